import phonenumbers
from django.core.exceptions import ValidationError

INVALID = "Saisissez un numéro de téléphone valide, par exemple 06\u00a012\u00a034\u00a056\u00a078."


def normalize_phone(value: str, *, mobile: bool = False) -> str:
    """A French or international phone number in E.164 (+33612345678); French by default.
    Raises a ValidationError with a French message when it is not a valid number."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID) from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(INVALID)
    if mobile and phonenumbers.number_type(number) not in {
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    }:
        raise ValidationError("Saisissez un numéro de téléphone mobile.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def display_phone(value: str) -> str:
    """E.164 as people write it: « 06 12 34 56 78 » for France, international otherwise."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style).replace(" ", "\u00a0")


def masked_phone(phone: str) -> str:
    """« 06 •• •• •• 78 »: enough for the signer to recognise their phone."""
    shown = display_phone(phone)
    digits = [index for index, char in enumerate(shown) if char.isdigit()]
    hidden = set(digits[2:-2])
    return "".join("•" if index in hidden else char for index, char in enumerate(shown))
