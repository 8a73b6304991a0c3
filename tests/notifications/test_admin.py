import pytest
from django.core import mail
from django.urls import reverse

from notifications.models import Notification
from tests.accounts.factories import UserFactory
from tests.notifications.factories import NotificationFactory

CHANGELIST = reverse("admin:notifications_notification_changelist")


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.django_db
def test_it_lists_the_notifications_for_staff(staff_client):
    NotificationFactory(recipient="zoe@example.com", status=Notification.Status.FAILED)

    response = staff_client.get(CHANGELIST)

    assert response.status_code == 200
    assert "zoe@example.com" in response.text
    assert "Échec" in response.text


@pytest.mark.django_db
def test_it_resends_a_failed_notification(staff_client, django_capture_on_commit_callbacks):
    failed = NotificationFactory(
        status=Notification.Status.FAILED, attempts=5, last_error="ConnectionError: …"
    )
    sent = NotificationFactory(status=Notification.Status.SENT, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            CHANGELIST, {"action": "resend", "_selected_action": [failed.pk, sent.pk]}, follow=True
        )

    assert "1 notification en échec remise en file d&#x27;envoi." in response.text
    failed.refresh_from_db()
    assert failed.status == Notification.Status.SENT
    assert failed.attempts == 1
    assert [message.to for message in mail.outbox] == [[failed.recipient]]


@pytest.mark.django_db
def test_it_shows_a_notification_read_only(staff_client):
    notification = NotificationFactory(recipient="zoe@example.com")

    response = staff_client.get(
        reverse("admin:notifications_notification_change", args=[notification.pk])
    )

    assert response.status_code == 200
    assert "zoe@example.com" in response.text
    assert 'name="recipient"' not in response.text


@pytest.mark.django_db
def test_it_offers_neither_adding_nor_deleting(staff_client):
    notification = NotificationFactory()

    assert staff_client.get(reverse("admin:notifications_notification_add")).status_code == 403
    delete_url = reverse("admin:notifications_notification_delete", args=[notification.pk])
    assert staff_client.get(delete_url).status_code == 403
