import pytest

from directory.models import Department, Region
from directory.reference import department_code_for_postcode, reference_rows

pytestmark = pytest.mark.django_db


def test_the_reference_data_has_every_region_and_departement():
    assert Region.objects.count() == 18
    assert Department.objects.count() == 101
    assert len(reference_rows()) == 101
    assert Department.objects.filter(region__isnull=True).count() == 0
    corse = Region.objects.get(name="Corse")
    assert sorted(corse.departments.values_list("code", flat=True)) == ["2A", "2B"]
    overseas = {
        "971": "Guadeloupe",
        "972": "Martinique",
        "973": "Guyane",
        "974": "La Réunion",
        "976": "Mayotte",
    }
    for code, region in overseas.items():
        assert Department.objects.get(code=code).region.name == region
    assert Department.objects.get(code="42").region.name == "Auvergne-Rhône-Alpes"
    assert Department.objects.get(code="57").region.name == "Grand Est"
    assert Department.objects.get(code="75").region.slug == "ile-de-france"
    assert Region.objects.get(code="11").departments.count() == 8


def test_departements_sort_as_the_official_list():
    codes = list(Department.objects.order_by("sort_key").values_list("code", flat=True))
    assert codes[17:22] == ["18", "19", "2A", "2B", "21"]
    assert codes[-6:] == ["95", "971", "972", "973", "974", "976"]


@pytest.mark.parametrize(
    ("postcode", "code"),
    [
        ("75008", "75"),
        ("01000", "01"),
        ("20000", "2A"),
        ("20167", "2A"),
        ("20200", "2B"),
        ("20600", "2B"),
        ("97411", "974"),
        ("97600", "976"),
        ("97500", None),  # Saint-Pierre-et-Miquelon: not a département.
        ("7500", None),
        ("ABCDE", None),
        ("", None),
        ("00100", None),
    ],
)
def test_a_postcode_maps_to_its_departement(postcode, code):
    assert department_code_for_postcode(postcode) == code
