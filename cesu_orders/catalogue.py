"""The catalogue shipped with the portal; staff change it in the admin afterwards."""

from decimal import Decimal

USAGE_CATEGORIES = [
    ("services-domicile", "Services à la personne à domicile", 1),
    ("garde-enfants", "Garde d’enfants hors domicile", 2),
]
FACE_VALUES = [Decimal(v) for v in ("10.00", "12.00", "15.00", "20.00", "25.00", "30.00")]
BOOKLET_SIZES = [5, 10, 20]


def ensure_default_catalogue(usage_category_model, face_value_model, booklet_size_model) -> None:
    """Creates the default entries that are missing; takes the model classes so that a
    data migration can call it with its historical models."""
    for code, label, position in USAGE_CATEGORIES:
        usage_category_model.objects.get_or_create(
            code=code, defaults={"label": label, "position": position}
        )
    for amount in FACE_VALUES:
        face_value_model.objects.get_or_create(amount=amount)
    for vouchers in BOOKLET_SIZES:
        booklet_size_model.objects.get_or_create(vouchers=vouchers)
