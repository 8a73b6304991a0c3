import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization
from cesu_orders.forms.beneficiaries import BeneficiaryForm
from cesu_orders.models import Beneficiary, UsageCategory, VoucherFormat
from cesu_orders.services.beneficiaries import (
    beneficiary_archive,
    beneficiary_create,
    beneficiary_sort_name,
)
from common.templatetags.formats import euros, percent
from tests.accounts.factories import MembershipFactory

LIST = reverse("cesu_orders:beneficiary_list")
CREATE = reverse("cesu_orders:beneficiary_create")


def _fields(**overrides):
    fields = {
        "civility": Beneficiary.Civility.MADAME,
        "last_name": "Martin",
        "first_name": "Émilie",
        "usual_usage_category": UsageCategory.objects.order_by("position").first(),
        "usual_format": VoucherFormat.PAPER,
        "usual_face_value": Decimal("15.00"),
        "usual_employer_share": Decimal("50.00"),
        "usual_booklets": 1,
        "usual_vouchers_per_booklet": 10,
    }
    return {**fields, **overrides}


def _beneficiary(organization, **overrides) -> Beneficiary:
    return beneficiary_create(organization=organization, fields=_fields(**overrides))


def _post_data(**overrides):
    data = {
        "civility": "mme",
        "last_name": "Martin",
        "first_name": "Émilie",
        "birth_date": "1990-02-01",
        "email": "emilie.martin@example.com",
        "mobile_phone": "06 12 34 56 78",
        "address": "3 rue des Lilas",
        "postcode": "69003",
        "city": "Lyon",
        "employee_number": "A042",
        "usual_usage_category": UsageCategory.objects.order_by("position").first().pk,
        "usual_format": "paper",
        "usual_face_value": "15.00",
        "usual_employer_share": "50",
        "usual_booklets": "2",
        "usual_vouchers_per_booklet": "10",
    }
    return {**data, **overrides}


def _names(response):
    return [f"{b.last_name} {b.first_name}" for b in response.context["page"].object_list]


# List


def test_it_sorts_by_last_then_first_name_ignoring_accents_and_case(client, alice, org_a):
    for last_name, first_name in [
        ("Fabre", "Anne"),
        ("émile", "Zoé"),
        ("Dupont", "Paul"),
        ("Émile", "Albert"),
        ("DUPONT", "alain"),
    ]:
        _beneficiary(org_a, last_name=last_name, first_name=first_name)
    client.force_login(alice)

    response = client.get(LIST)

    assert response.status_code == 200
    assert _names(response) == [
        "DUPONT alain",
        "Dupont Paul",
        "Émile Albert",
        "émile Zoé",
        "Fabre Anne",
    ]


def test_it_shows_the_order_values_in_french(client, alice, org_a):
    _beneficiary(org_a, employee_number="A001", usual_employer_share=Decimal("12.50"))
    client.force_login(alice)

    page = client.get(LIST).content.decode()

    assert "15,00\u00a0€" in page
    assert "12,5\u00a0%" in page
    assert "A001" in page
    assert "Papier" in page
    assert "Services à la personne à domicile" in page
    assert "Importer des bénéficiaires" in page
    assert "Ajouter un bénéficiaire" in page


def test_it_formats_euros_and_percentages_the_french_way():
    assert euros(Decimal("1234.5")) == "1\u202f234,50\u00a0€"
    assert euros(Decimal("15")) == "15,00\u00a0€"
    assert percent(Decimal("50.00")) == "50\u00a0%"
    assert percent(Decimal("33.33")) == "33,33\u00a0%"


def test_it_searches_on_names_without_accents_employee_number_and_email(client, alice, org_a):
    _beneficiary(org_a, last_name="Lefèvre", first_name="Émilie", employee_number="X9")
    _beneficiary(org_a, last_name="Dupont", first_name="Paul", email="paul@acme.example")
    _beneficiary(org_a, last_name="Fabre", first_name="Anne", employee_number="Z77")
    client.force_login(alice)

    assert _names(client.get(LIST, {"q": "lefevre"})) == ["Lefèvre Émilie"]
    assert _names(client.get(LIST, {"q": "EMILIE lefèvre"})) == ["Lefèvre Émilie"]
    assert _names(client.get(LIST, {"q": "z77"})) == ["Fabre Anne"]
    assert _names(client.get(LIST, {"q": "acme"})) == ["Dupont Paul"]
    response = client.get(LIST, {"q": "personne"})
    assert _names(response) == []
    assert "Aucun bénéficiaire ne correspond à «&nbsp;personne&nbsp;»." in response.content.decode()


def test_it_paginates_by_fifty_with_french_labels(client, alice, org_a):
    for index in range(120):
        _beneficiary(org_a, last_name=f"Nom{index:03}", employee_number=f"E{index}")
    client.force_login(alice)

    first = client.get(LIST).content.decode()
    second = client.get(LIST, {"page": 2})

    assert "Page 1 sur 3" in first
    assert "Suivante" in first
    assert "Précédente" not in first
    assert _names(second)[0] == "Nom050 Émilie"
    assert len(_names(second)) == 50
    assert "Page 2 sur 3" in second.content.decode()
    assert "Précédente" in second.content.decode()


def test_it_keeps_the_search_in_the_pagination_links(client, alice, org_a):
    for index in range(60):
        _beneficiary(org_a, last_name=f"Nom{index:03}", employee_number=f"E{index}")
    client.force_login(alice)

    page = client.get(LIST, {"q": "nom"}).content.decode()

    assert "?q=nom&amp;page=2" in page


def test_it_hides_archived_beneficiaries_and_shows_them_under_archives(client, alice, org_a):
    kept = _beneficiary(org_a, last_name="Actif")
    gone = _beneficiary(org_a, last_name="Parti")
    client.force_login(alice)

    response = client.post(reverse("cesu_orders:beneficiary_archive", args=[gone.public_id]))

    assert response.status_code == 302
    gone.refresh_from_db()
    assert gone.archived_at is not None
    assert _names(client.get(LIST)) == [f"{kept.last_name} Émilie"]
    archives = client.get(LIST, {"archives": "1"})
    assert _names(archives) == ["Parti Émilie"]
    assert "Restaurer" in archives.content.decode()
    messages = [str(m) for m in client.get(LIST).context["messages"]]
    assert messages == []  # Already shown on the previous page.


def test_it_archives_with_a_success_message(client, bob, org_a):
    beneficiary = _beneficiary(org_a)
    client.force_login(bob)

    response = client.post(
        reverse("cesu_orders:beneficiary_archive", args=[beneficiary.public_id]), follow=True
    )

    assert "Le bénéficiaire Émilie Martin est archivé" in response.content.decode()
    assert Beneficiary.objects.filter(pk=beneficiary.pk).exists()


def test_it_restores_an_archived_beneficiary(client, alice, org_a):
    beneficiary = _beneficiary(org_a)
    beneficiary_archive(beneficiary=beneficiary)
    client.force_login(alice)

    response = client.post(
        reverse("cesu_orders:beneficiary_restore", args=[beneficiary.public_id]), follow=True
    )

    beneficiary.refresh_from_db()
    assert beneficiary.archived_at is None
    assert "Le bénéficiaire Émilie Martin est restauré" in response.content.decode()
    assert _names(client.get(LIST)) == ["Martin Émilie"]


def test_it_refuses_to_archive_with_a_get(client, alice, org_a):
    beneficiary = _beneficiary(org_a)
    client.force_login(alice)

    response = client.get(reverse("cesu_orders:beneficiary_archive", args=[beneficiary.public_id]))

    assert response.status_code == 405
    beneficiary.refresh_from_db()
    assert beneficiary.archived_at is None


def test_it_lists_2000_beneficiaries_in_a_constant_number_of_queries(
    client, alice, org_a, django_assert_max_num_queries
):
    category = UsageCategory.objects.first()
    Beneficiary.objects.bulk_create(
        Beneficiary(
            organization=org_a,
            **_fields(
                last_name=f"Nom{index:04}",
                usual_usage_category=category,
                employee_number=f"E{index}",
            ),
            sort_name=beneficiary_sort_name(last_name=f"Nom{index:04}", first_name="Émilie"),
        )
        for index in range(2000)
    )
    client.force_login(alice)

    with django_assert_max_num_queries(8):
        response = client.get(LIST, {"page": 3})

    assert response.status_code == 200
    assert "Page 3 sur 40" in response.content.decode()


# Create


def test_it_shows_the_form_with_help_texts(client, alice, org_a):
    client.force_login(alice)

    page = client.get(CREATE).content.decode()

    assert "Terminer" in page
    assert 'aria-describedby="id_usual_face_value_helptext"' in page
    assert "Pourcentage de la valeur faciale pris en charge" in page
    assert "15,00\u00a0€" in page


def test_it_creates_a_beneficiary_then_lists_it(client, alice, org_a):
    client.force_login(alice)

    response = client.post(CREATE, _post_data(), follow=True)

    beneficiary = Beneficiary.objects.get()
    assert beneficiary.organization == org_a
    assert beneficiary.sort_name == "martin emilie"
    assert beneficiary.mobile_phone == "+33612345678"
    assert beneficiary.birth_date == datetime.date(1990, 2, 1)
    assert beneficiary.usual_booklets == 2
    assert response.redirect_chain[-1][0] == LIST
    assert "Le bénéficiaire Émilie Martin a bien été créé." in response.content.decode()
    assert _names(response) == ["Martin Émilie"]


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"mobile_phone": "12"}, "mobile_phone", "Saisissez un numéro de téléphone valide"),
        ({"usual_format": "electronic", "email": ""}, "email", "obligatoire pour les e-CESU"),
        ({"usual_face_value": "17.00"}, "usual_face_value", "valeur faciale proposée"),
        ({"usual_employer_share": "120"}, "usual_employer_share", "entre 0 et 100"),
        ({"usual_vouchers_per_booklet": "7"}, "usual_vouchers_per_booklet", "titres par carnet"),
        ({"postcode": "7500"}, "postcode", "Saisissez un code postal à cinq chiffres."),
        ({"last_name": ""}, "last_name", "Ce champ est obligatoire."),
    ],
)
def test_it_refuses_invalid_values(client, alice, org_a, overrides, field, message):
    client.force_login(alice)

    response = client.post(CREATE, _post_data(**overrides))

    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message.lower() in errors.lower()
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page
    assert "Le formulaire contient une erreur" in page
    assert not Beneficiary.objects.exists()


def test_it_refuses_an_employee_number_already_taken(client, alice, org_a, org_b):
    _beneficiary(org_a, employee_number="A042", last_name="Autre")
    client.force_login(alice)

    response = client.post(CREATE, _post_data(employee_number="A042", confirmed="on"))

    assert response.context["form"].errors["employee_number"] == [
        "Ce matricule est déjà celui d’un autre bénéficiaire."
    ]
    assert Beneficiary.objects.count() == 1


def test_it_accepts_an_employee_number_used_by_another_financeur(client, alice, org_a, org_b):
    _beneficiary(org_b, employee_number="A042")
    client.force_login(alice)

    response = client.post(CREATE, _post_data(employee_number="A042", confirmed="on"))

    assert response.status_code == 302
    assert Beneficiary.objects.for_organization(org_a).count() == 1


def test_it_warns_about_a_duplicate_then_creates_once_confirmed(client, alice, org_a):
    _beneficiary(
        org_a,
        last_name="MARTIN",
        first_name="Emilie",
        birth_date=datetime.date(1990, 2, 1),
        employee_number="OLD1",
    )
    client.force_login(alice)

    warned = client.post(CREATE, _post_data())

    assert warned.status_code == 200
    page = warned.content.decode()
    assert "Ce bénéficiaire existe peut-être déjà" in page
    assert "MARTIN Emilie, née le 01/02/1990, matricule OLD1" in page
    assert "Je confirme qu’il s’agit d’une autre personne" in page
    assert Beneficiary.objects.count() == 1

    confirmed = client.post(CREATE, _post_data(confirmed="on"))

    assert confirmed.status_code == 302
    assert Beneficiary.objects.count() == 2


def test_it_does_not_warn_without_a_look_alike(client, alice, org_a):
    _beneficiary(
        org_a, last_name="Martin", first_name="Émilie", birth_date=datetime.date(1985, 1, 1)
    )
    client.force_login(alice)

    response = client.post(CREATE, _post_data())

    assert response.status_code == 302
    assert Beneficiary.objects.count() == 2


# Update


def test_it_updates_a_beneficiary(client, bob, org_a):
    beneficiary = _beneficiary(org_a, employee_number="A042")
    url = reverse("cesu_orders:beneficiary_update", args=[beneficiary.public_id])
    client.force_login(bob)

    form_page = client.get(url).content.decode()
    response = client.post(url, _post_data(last_name="Élan", usual_face_value="20.00"))

    assert "Enregistrer" in form_page
    assert 'value="15.00" selected' in form_page
    assert response.status_code == 302
    beneficiary.refresh_from_db()
    assert beneficiary.last_name == "Élan"
    assert beneficiary.sort_name == "elan emilie"
    assert beneficiary.usual_face_value == Decimal("20.00")


def test_it_refuses_invalid_values_on_update(client, alice, org_a):
    beneficiary = _beneficiary(org_a)
    url = reverse("cesu_orders:beneficiary_update", args=[beneficiary.public_id])
    client.force_login(alice)

    response = client.post(url, _post_data(usual_employer_share="120", last_name="Autre"))

    assert response.status_code == 200
    beneficiary.refresh_from_db()
    assert beneficiary.last_name == "Martin"


# Permissions


@pytest.mark.parametrize("manager", ["alice", "bob"])
def test_it_lets_primary_and_secondary_managers_in(client, request, org_a, manager):
    beneficiary = _beneficiary(org_a)
    client.force_login(request.getfixturevalue(manager))

    for url in [
        LIST,
        CREATE,
        reverse("cesu_orders:beneficiary_update", args=[beneficiary.public_id]),
    ]:
        assert client.get(url).status_code == 200


def test_it_forbids_a_domiciliataire_member(client, org_a):
    beneficiary = _beneficiary(org_a)
    member = MembershipFactory(
        organization__kind=Organization.Kind.PROVIDER, role=Membership.Role.ADMIN
    ).user
    client.force_login(member)

    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.post(CREATE, _post_data()).status_code == 403
    url = reverse("cesu_orders:beneficiary_archive", args=[beneficiary.public_id])
    assert client.post(url).status_code == 403


def test_it_sends_anonymous_visitors_to_the_login(client, org_a):
    beneficiary = _beneficiary(org_a)
    for url in [
        LIST,
        CREATE,
        reverse("cesu_orders:beneficiary_update", args=[beneficiary.public_id]),
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))
    archive = reverse("cesu_orders:beneficiary_archive", args=[beneficiary.public_id])
    assert client.post(archive).url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "route", ["beneficiary_update", "beneficiary_archive", "beneficiary_restore"]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_it_hides_another_financeurs_beneficiary(client, charlie, org_a, route, method):
    beneficiary = _beneficiary(org_a)
    if route == "beneficiary_restore":
        beneficiary_archive(beneficiary=beneficiary)
    client.force_login(charlie)
    url = reverse(f"cesu_orders:{route}", args=[beneficiary.public_id])

    response = getattr(client, method)(
        url, _post_data(last_name="Piraté") if method == "post" else None
    )

    assert response.status_code == 404
    before = beneficiary.archived_at
    beneficiary.refresh_from_db()
    assert beneficiary.last_name == "Martin"
    assert beneficiary.archived_at == before


def test_it_lists_only_the_financeurs_own_beneficiaries(client, alice, org_a, org_b):
    _beneficiary(org_a, last_name="Alpha")
    _beneficiary(org_b, last_name="Beta")
    client.force_login(alice)

    assert _names(client.get(LIST)) == ["Alpha Émilie"]


def test_a_booklet_count_out_of_range_is_refused(org_a):
    data = {
        "civility": "mme",
        "last_name": "Martin",
        "first_name": "Émilie",
        "usual_usage_category": UsageCategory.objects.first().pk,
        "usual_format": "paper",
        "usual_face_value": "15.00",
        "usual_employer_share": "50",
        "usual_vouchers_per_booklet": "10",
    }
    for booklets, valid in [("0", True), ("100", True), ("101", False), ("5000", False)]:
        form = BeneficiaryForm({**data, "usual_booklets": booklets}, organization=org_a)
        assert form.is_valid() is valid, booklets


def test_an_employee_number_taken_meanwhile_is_a_field_error_not_a_500(
    client, alice, org_a, monkeypatch
):
    _beneficiary(org_a, employee_number="A042", last_name="Dupont")
    # Another manager saved A042 after this form checked it: the database refuses.
    monkeypatch.setattr(
        "cesu_orders.forms.beneficiaries.employee_number_owner", lambda organization, number: None
    )
    client.force_login(alice)

    response = client.post(CREATE, _post_data(employee_number="A042", confirmed="on"))

    assert response.status_code == 200
    assert "Ce matricule est déjà celui d’un autre bénéficiaire." in response.content.decode()
    assert Beneficiary.objects.filter(employee_number="A042").count() == 1
