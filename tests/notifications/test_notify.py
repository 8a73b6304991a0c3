import pytest
from django.core import mail
from django.db import transaction

from notifications.models import Notification
from notifications.services import notify, queue_email
from tests.accounts.factories import UserFactory


@pytest.mark.django_db
def test_it_writes_the_rendered_email_and_sends_it_on_commit(
    event, django_capture_on_commit_callbacks
):
    user = UserFactory(email="camille@example.com")
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        (notification,) = notify(
            event,
            email="camille@example.com",
            context={"name": "Zoé d'Arcy"},
            idempotency_key="rappel-1",
            user=user,
        )
        assert mail.outbox == []

    assert len(callbacks) == 1
    notification.refresh_from_db()
    assert notification.channel == Notification.Channel.EMAIL
    assert notification.event == event
    assert notification.user == user
    assert notification.subject == "Rappel : l'échéance de Zoé d'Arcy"
    assert notification.body_text.startswith(
        "Bonjour Zoé d'Arcy,\n\nVotre échéance arrive : http://testserver/espace/"
    )
    assert "Merci de ne pas y répondre." in notification.body_text
    assert "Bonjour Zoé d&#x27;Arcy" in notification.body_html
    assert notification.idempotency_key == "rappel-1:email"
    assert notification.status == Notification.Status.SENT
    assert notification.attempts == 1
    assert notification.sent_at is not None

    (message,) = mail.outbox
    assert message.to == ["camille@example.com"]
    assert message.from_email == "Portail CESU & domiciliation <ne-pas-repondre@portail.example>"
    assert message.subject == "Rappel : l'échéance de Zoé d'Arcy"
    assert message.body == notification.body_text
    ((html, mimetype),) = message.alternatives
    assert mimetype == "text/html"
    assert '<a href="http://testserver/espace/"' in html
    assert (
        "Cet e-mail vous est envoyé automatiquement par le Portail CESU &amp; domiciliation."
        in html
    )


@pytest.mark.django_db
def test_it_writes_and_sends_the_sms(event, sms_outbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        (notification,) = notify(
            event, phone="+33612345678", context={"name": "Zoé"}, idempotency_key="rappel-2"
        )

    notification.refresh_from_db()
    assert notification.channel == Notification.Channel.SMS
    assert notification.status == Notification.Status.SENT
    assert notification.body_html == ""
    assert notification.provider_message_id == "locmem-1"
    assert sms_outbox == [
        {
            "id": "locmem-1",
            "to": "+33612345678",
            "text": "Portail : l'échéance de Zoé arrive. http://testserver",
            "sender": "Portail",
        }
    ]
    assert mail.outbox == []


class WriteFailed(Exception):
    pass


def notify_then_fail(event: str) -> None:
    with transaction.atomic():
        notify(event, email="a@example.com", context={"name": "A"}, idempotency_key="k")
        raise WriteFailed


@pytest.mark.django_db
def test_it_sends_nothing_when_the_transaction_rolls_back(
    event, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(WriteFailed),
    ):
        notify_then_fail(event)

    assert callbacks == []
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_it_refuses_to_notify_outside_a_transaction(event):
    with pytest.raises(RuntimeError, match="inside a transaction"):
        notify(event, email="a@example.com", context={"name": "A"}, idempotency_key="k")

    assert not Notification.objects.exists()


@pytest.mark.django_db
def test_it_sends_a_message_only_once_per_idempotency_key(
    event, sms_outbox, django_capture_on_commit_callbacks
):
    calls = []
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            calls.append(
                notify(
                    event,
                    email="a@example.com",
                    phone="+33612345678",
                    context={"name": "A"},
                    idempotency_key="facture-42",
                )
            )

    assert calls[0] == calls[1]
    assert Notification.objects.count() == 2
    assert len(mail.outbox) == 1
    assert len(sms_outbox) == 1


@pytest.mark.django_db
def test_it_queues_an_email_rendered_elsewhere_outside_a_transaction(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        notification = queue_email(
            to="a@example.com",
            subject="[Portail] Réinitialisation\nde votre mot de passe",
            body_text="Suivez ce lien.",
            body_html="<p>Suivez ce lien.</p>",
            event="account_email_password_reset_key",
        )

    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert notification.idempotency_key is None
    (message,) = mail.outbox
    assert message.subject == "[Portail] Réinitialisation de votre mot de passe"
    assert message.alternatives == [("<p>Suivez ce lien.</p>", "text/html")]
