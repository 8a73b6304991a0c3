"""The régions and départements, from directory/data/departements_regions.csv (its header
states the source), and the postcode → département rule."""

import csv
from pathlib import Path

from django.utils.text import slugify

from common.text import search_key

DATA = Path(__file__).parent / "data" / "departements_regions.csv"


def reference_rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as file:
        lines = (line for line in file if not line.startswith("#"))
        return list(csv.DictReader(lines))


def department_sort_key(code: str) -> str:
    """« 2A » and « 2B » sort between « 19 » and « 21 »; overseas after « 95 »."""
    return {"2A": "20A", "2B": "20B"}.get(code, code.zfill(3) if len(code) == 3 else f"{code}0")


def load_reference_data(region_model, department_model) -> None:
    """Creates or updates every region and département; the models are passed so that a
    data migration can call it with its historical models."""
    for row in reference_rows():
        region, _ = region_model.objects.update_or_create(
            code=row["region_code"],
            defaults={"name": row["region_name"], "slug": slugify(row["region_name"])},
        )
        department_model.objects.update_or_create(
            code=row["department_code"],
            defaults={
                "name": row["department_name"],
                "region": region,
                "sort_key": department_sort_key(row["department_code"]),
                "search_name": search_key(row["department_name"]),
            },
        )


# Corse: 20000–20199 is Corse-du-Sud (2A), 20200–20999 Haute-Corse (2B).
CORSE_SOUTH_BELOW = 20200


def department_code_for_postcode(postcode: str) -> str | None:
    """The département of a French postcode, or None when it is not one: « 75008 » → 75,
    « 20000 » → 2A, « 20600 » → 2B, « 97411 » → 974."""
    postcode = (postcode or "").strip()
    if len(postcode) != 5 or not (postcode.isascii() and postcode.isdigit()):
        return None
    if postcode.startswith("97"):
        code = postcode[:3]
        return code if code in {"971", "972", "973", "974", "976"} else None
    if postcode.startswith("20"):
        return "2A" if int(postcode) < CORSE_SOUTH_BELOW else "2B"
    code = postcode[:2]
    return code if code != "00" else None
