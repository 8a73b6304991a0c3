"""What every form of the portal shares."""

from django import forms

DJANGO_BLANK = "---------"
BLANK_LABEL = "Choisir"


def name_blank_choices(form: forms.Form, label: str = BLANK_LABEL) -> None:
    """Django's « --------- » placeholder said in words in a list (« Choisir »), and left
    out of radio buttons, where choosing none is simply not ticking one."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField):
            if field.empty_label == DJANGO_BLANK:
                field.empty_label = label
            continue
        choices = list(getattr(field, "choices", None) or [])
        if not choices or choices[0] != ("", DJANGO_BLANK):
            continue
        if isinstance(field.widget, forms.RadioSelect):
            field.choices = choices[1:]
        else:
            field.choices = [("", label), *choices[1:]]
