import re
import threading

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.db import connection
from django.urls import reverse

from accounts.models import Membership, User
from cesu_orders.models import Funder
from cesu_orders.services.managers import (
    ManagerError,
    manager_create,
    manager_deactivate,
    manager_reactivate,
)

LIST = reverse("cesu_orders:manager_list")
CREATE = reverse("cesu_orders:manager_create")
PROFILE = reverse("cesu_orders:profile_edit")
VALID = {
    "first_name": "Inès",
    "last_name": "Moreau",
    "email": "ines.moreau@example.com",
    "phone": "06 12 34 56 78",
}


def _funder(organization, reference):
    return Funder.objects.create(
        organization=organization,
        client_reference=reference,
        legal_name=organization.name,
        siret="73282932000074",
        billing_address="1 rue de la Paix",
        billing_postcode="75002",
        billing_city="Paris",
    )


@pytest.fixture
def funder_a(org_a):
    return _funder(org_a, "C100001")


@pytest.fixture
def funder_b(org_b):
    return _funder(org_b, "C200002")


def _create(funder, by, email="ines.moreau@example.com", **fields):
    return manager_create(
        funder=funder,
        created_by=by,
        **{**VALID, "email": email, **fields},
    )


def _url(name, user):
    return reverse(f"cesu_orders:{name}", kwargs={"public_id": user.public_id})


def _password_from(message) -> str:
    return re.search("Mot de passe temporaire\u00a0: (\\S+)", message.body).group(1)


# Identifier allocation


def test_it_allocates_02_then_03(funder_a, alice):
    assert _create(funder_a, alice, "a@example.com").username == "C100001-02"
    assert _create(funder_a, alice, "b@example.com").username == "C100001-03"


def test_it_never_reuses_the_number_of_a_deactivated_manager(funder_a, alice):
    first = _create(funder_a, alice, "a@example.com")
    manager_deactivate(funder=funder_a, user=first, by=alice)

    assert _create(funder_a, alice, "b@example.com").username == "C100001-03"


def test_it_numbers_each_funder_on_its_own(funder_a, funder_b, alice, charlie):
    _create(funder_a, alice, "a@example.com")

    assert _create(funder_b, charlie, "b@example.com").username == "C200002-02"


def test_it_saves_the_manager_with_a_secondary_membership(funder_a, alice):
    user = _create(funder_a, alice)

    assert (user.first_name, user.last_name, user.phone) == ("Inès", "Moreau", "+33612345678")
    membership = Membership.objects.get(user=user)
    assert (membership.organization, membership.role) == (funder_a.organization, "secondary")
    assert EmailAddress.objects.filter(
        user=user, email=VALID["email"], primary=True, verified=True
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_it_never_gives_the_same_identifier_to_concurrent_creations(org_a, alice):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite has no row locks: SELECT … FOR UPDATE needs PostgreSQL.")
    funder = _funder(org_a, "C100001")
    usernames, errors = [], []
    barrier = threading.Barrier(4)

    def create(index):
        try:
            barrier.wait()
            usernames.append(_create(funder, alice, f"m{index}@example.com").username)
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(i,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(usernames) == ["C100001-02", "C100001-03", "C100001-04", "C100001-05"]


# E-mails


def test_it_emails_the_identifier_and_a_temporary_password_that_logs_in(
    client, funder_a, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _create(funder_a, alice)

    (message,) = mail.outbox
    assert message.to == [VALID["email"]]
    assert "C100001-02" in message.subject
    assert "Identifiant\u00a0: C100001-02" in message.body
    assert "http://testserver/compte/connexion/" in message.body
    assert "Camille Durand vous a créé un accès" in message.body
    assert re.search(r"valable jusqu’au \d{1,2} \w+ \d{4} à \d\d\u00a0h\u00a0\d\d", message.body)
    password = _password_from(message)
    assert len(password) >= 14
    user.refresh_from_db()
    assert user.must_change_password is True
    assert client.login(username="C100001-02", password=password)


def test_it_emails_a_reactivated_manager(funder_a, alice, django_capture_on_commit_callbacks):
    user = _create(funder_a, alice)
    manager_deactivate(funder=funder_a, user=user, by=alice)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        manager_reactivate(funder=funder_a, user=user, by=alice)

    (message,) = mail.outbox
    assert message.to == [VALID["email"]]
    assert "Vous pouvez de nouveau vous connecter" in message.body


# Permissions


@pytest.mark.parametrize("url", [LIST, CREATE, PROFILE])
def test_it_shows_the_pages_to_the_primary_manager(client, funder_a, alice, url):
    client.force_login(alice)

    assert client.get(url).status_code == 200


@pytest.mark.parametrize("url", [LIST, CREATE])
def test_it_refuses_manager_administration_to_a_secondary_manager(client, funder_a, bob, url):
    client.force_login(bob)

    response = client.get(url)
    assert response.status_code == 403
    assert "Accès refusé" in response.content.decode()


@pytest.mark.parametrize("name", ["manager_deactivate", "manager_reactivate"])
def test_it_refuses_deactivation_and_reactivation_to_a_secondary_manager(
    client, funder_a, alice, bob, name
):
    other = _create(funder_a, alice)
    client.force_login(bob)

    assert client.post(_url(name, other)).status_code == 403
    other.refresh_from_db()
    assert other.is_active is True


def test_it_lets_a_secondary_manager_edit_their_own_details(client, funder_a, bob):
    client.force_login(bob)

    response = client.get(PROFILE)
    assert response.status_code == 200
    assert "Voir tous les gestionnaires" not in response.content.decode()


@pytest.mark.parametrize("url", [LIST, CREATE, PROFILE])
def test_it_sends_anonymous_visitors_to_the_login(client, db, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["manager_deactivate", "manager_reactivate"])
def test_it_hides_another_funders_manager(client, funder_a, funder_b, alice, charlie, name):
    outsider = _create(funder_b, charlie)
    client.force_login(alice)

    assert client.post(_url(name, outsider)).status_code == 404
    outsider.refresh_from_db()
    assert outsider.is_active is True


@pytest.mark.parametrize("name", ["manager_deactivate", "manager_reactivate"])
def test_it_refuses_get_on_actions(client, funder_a, alice, name):
    client.force_login(alice)

    assert client.get(_url(name, _create(funder_a, alice))).status_code == 405


# Deactivation and reactivation


def test_it_ends_the_session_of_a_deactivated_manager_at_once(client, funder_a, alice):
    manager = _create(funder_a, alice)
    User.objects.filter(pk=manager.pk).update(must_change_password=False)
    client.force_login(manager)
    assert client.get(reverse("cesu_orders:home")).status_code == 200

    manager_deactivate(funder=funder_a, user=manager, by=alice)

    response = client.get(reverse("cesu_orders:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_it_deactivates_from_the_list_and_refuses_login(client, funder_a, alice):
    manager = _create(funder_a, alice)
    manager.set_password("Un-secret-solide-2026")
    manager.save()
    client.force_login(alice)

    response = client.post(_url("manager_deactivate", manager), follow=True)

    assert "Le gestionnaire C100001-02 est désactivé" in response.content.decode()
    assert "Désactivé" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active is False
    assert Membership.objects.get(user=manager).is_active is False
    client.logout()
    assert not client.login(username="C100001-02", password="Un-secret-solide-2026")


def test_it_reactivates_from_the_list(client, funder_a, alice):
    manager = _create(funder_a, alice)
    manager.set_password("Un-secret-solide-2026")
    manager.save()
    manager_deactivate(funder=funder_a, user=manager, by=alice)
    client.force_login(alice)

    response = client.post(_url("manager_reactivate", manager), follow=True)

    assert "Le gestionnaire C100001-02 est réactivé" in response.content.decode()
    manager.refresh_from_db()
    assert manager.is_active is True
    assert Membership.objects.get(user=manager).is_active is True
    client.logout()
    assert client.login(username="C100001-02", password="Un-secret-solide-2026")


def test_it_refuses_to_deactivate_the_primary_manager(client, funder_a, alice):
    client.force_login(alice)

    response = client.post(_url("manager_deactivate", alice), follow=True)

    assert "Seul un gestionnaire secondaire peut être désactivé" in response.content.decode()
    alice.refresh_from_db()
    assert alice.is_active is True
    with pytest.raises(ManagerError):
        manager_deactivate(funder=funder_a, user=alice, by=alice)


# Pages


def test_it_lists_the_managers_with_their_status_and_actions(client, funder_a, alice):
    active = _create(funder_a, alice, "a@example.com")
    inactive = _create(funder_a, alice, "b@example.com", phone="")
    manager_deactivate(funder=funder_a, user=inactive, by=alice)
    client.force_login(alice)

    page = client.get(LIST).content.decode()

    assert "Ajouter un gestionnaire" in page
    for text in [
        "C100001-02",
        "C100001-03",
        "Inès Moreau",
        "a@example.com",
        "06\u00a012\u00a034\u00a056\u00a078",
    ]:
        assert text in page
    assert "Actif" in page
    assert "Désactivé" in page
    assert _url("manager_deactivate", active) in page
    assert _url("manager_reactivate", inactive) in page
    assert _url("manager_deactivate", alice) not in page
    assert "csrfmiddlewaretoken" in page


def test_it_lists_managers_with_a_constant_number_of_queries(
    client, funder_a, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    client.get(LIST)
    with django_assert_max_num_queries(8) as few:
        client.get(LIST)
    for index in range(5):
        _create(funder_a, alice, f"m{index}@example.com")

    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(LIST).content.decode()
    assert "C100001-06" in page


def test_it_creates_a_manager_from_the_form(
    client, funder_a, alice, django_capture_on_commit_callbacks
):
    _create(funder_a, alice, "first@example.com")
    client.force_login(alice)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, VALID, follow=True)

    assert response.redirect_chain[-1][0] == LIST
    assert (
        "Le gestionnaire C100001-03 a été créé\u00a0; un e-mail lui a été envoyé avec son mot "
        "de passe temporaire." in response.content.decode()
    )
    assert User.objects.filter(username="C100001-03", email=VALID["email"]).exists()
    assert [m.to for m in mail.outbox] == [[VALID["email"]]]


def test_the_form_ends_with_the_validate_button(client, funder_a, alice):
    client.force_login(alice)

    page = client.get(CREATE).content.decode()

    assert '<button type="submit" class="button">Valider</button>' in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "12", "Saisissez un numéro de téléphone valide"),
        ("email", "pas-une-adresse", "Saisissez une adresse e-mail valide"),
        ("email", "alice@example.com", "Cette adresse e-mail est déjà utilisée"),
        ("email", "ALICE@example.com", "Cette adresse e-mail est déjà utilisée"),
        ("last_name", "", "Ce champ est obligatoire."),
    ],
)
def test_it_shows_french_field_errors_and_creates_nothing(
    client, funder_a, alice, field, value, error
):
    client.force_login(alice)
    users_before = User.objects.count()

    response = client.post(CREATE, {**VALID, field: value})

    assert response.status_code == 200
    assert error in str(response.context["form"].errors[field])
    assert "Le formulaire contient une erreur" in response.content.decode()
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(role="secondary").exists()
    assert mail.outbox == []


# Own details


def test_it_shows_the_managers_link_to_the_primary_manager_only(client, funder_a, alice):
    client.force_login(alice)

    page = client.get(PROFILE).content.decode()

    assert "Coordonnées" in page
    assert LIST in page


def test_it_saves_own_name_and_phone_without_the_password(client, funder_a, bob):
    client.force_login(bob)
    data = {"first_name": "Robert", "last_name": "Martin", "phone": "+33 1 23 45 67 89"}

    response = client.post(PROFILE, data, follow=True)

    assert "Vos coordonnées ont été mises à jour." in response.content.decode()
    bob.refresh_from_db()
    assert (bob.first_name, bob.last_name, bob.phone) == ("Robert", "Martin", "+33123456789")


def test_a_session_alone_cannot_change_the_email_address(client, funder_a, bob):
    """The form once took a new address and marked it verified at once: « Mot de passe
    oublié » then sent the reset link to whoever had the session."""
    client.force_login(bob)
    data = {"first_name": "Bob", "last_name": "Martin", "phone": "", "email": "pirate@evil.example"}

    page = client.get(PROFILE).content.decode()
    client.post(PROFILE, data)

    bob.refresh_from_db()
    assert bob.email == "bob@example.com"
    assert list(EmailAddress.objects.filter(user=bob).values_list("email", "verified")) == [
        ("bob@example.com", True)
    ]
    assert 'name="email"' not in page
    assert reverse("account_email") in page


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("phone", "06 12", "Saisissez un numéro de téléphone valide"),
        ("last_name", "", "Ce champ est obligatoire"),
    ],
)
def test_it_refuses_bad_own_details(client, funder_a, alice, bob, field, value, error):
    client.force_login(bob)
    data = {"first_name": "Bob", "last_name": "Martin", "phone": ""}

    response = client.post(PROFILE, {**data, field: value})

    assert error in str(response.context["form"].errors[field])
    bob.refresh_from_db()
    assert bob.last_name == "Durand"
    assert bob.email == "bob@example.com"
