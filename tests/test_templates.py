"""Templates fail loudly: an unknown variable in any page, e-mail or PDF template of the
portal fails the test that renders it (tests/conftest.py)."""

import pytest
from django.template import TemplateSyntaxError, engines


def test_an_unknown_variable_fails_the_test_that_renders_it():
    with pytest.raises(TemplateSyntaxError, match="nothing_here"):
        engines["django"].from_string("<p>{{ nothing_here }}</p>").render({})


def test_a_known_variable_renders():
    assert engines["django"].from_string("<p>{{ here }}</p>").render({"here": "là"}) == "<p>là</p>"
