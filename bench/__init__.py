"""Benchmarks (`make bench`) and the load test (`make load`); never part of the tests."""
