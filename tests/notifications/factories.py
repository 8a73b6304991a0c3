import factory

from notifications.models import Notification


class NotificationFactory(factory.django.DjangoModelFactory):
    """A pending e-mail nobody has queued yet, as if the broker had lost it."""

    class Meta:
        model = Notification

    channel = Notification.Channel.EMAIL
    event = "essai_rappel"
    recipient = factory.Sequence(lambda n: f"destinataire{n}@example.com")
    subject = "Rappel : votre échéance"
    body_text = "Bonjour,\n\nVotre échéance arrive."
    body_html = "<p>Bonjour,</p><p>Votre échéance arrive.</p>"
