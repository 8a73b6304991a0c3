"""Helpers several test suites share (real brokers for a test, …). Data builders live in
each app's tests/<app>/factories.py; nothing else crosses from one suite to another."""
