import pytest
from django.core.exceptions import ValidationError

from common.phones import display_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("06 12 34 56 78", "+33612345678"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+32 470 12 34 56", "+32470123456"),
    ],
)
def test_it_stores_french_and_international_numbers_in_e164(typed, stored):
    assert normalize_phone(typed) == stored


@pytest.mark.parametrize("typed", ["12", "06 12", "bonjour"])
def test_it_refuses_an_invalid_number_in_french(typed):
    with pytest.raises(ValidationError, match="Saisissez un numéro de téléphone valide"):
        normalize_phone(typed)


def test_it_refuses_a_landline_where_a_mobile_is_needed():
    with pytest.raises(ValidationError, match="mobile"):
        normalize_phone("01 42 68 53 00", mobile=True)


def test_it_displays_numbers_as_people_write_them():
    assert display_phone("+33612345678") == "06\u00a012\u00a034\u00a056\u00a078"
    assert display_phone("+32470123456") == "+32\u00a0470\u00a012\u00a034\u00a056"
    assert display_phone("") == ""
