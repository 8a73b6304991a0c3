from celery import shared_task

from .services import (
    MAX_ATTEMPTS,
    DeliveryRetry,
    notification_deliver,
    notifications_requeue_pending,
)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, name="notifications.tasks.deliver")
def deliver(self, notification_id: int) -> None:
    while True:
        try:
            notification_deliver(notification_id=notification_id)
        except DeliveryRetry as error:
            if not self.request.is_eager:
                raise self.retry(exc=error, countdown=error.countdown) from error
            # Run eagerly (embedded default, tests), the retries happen at once, in
            # process, until the notification is sent or failed: they never fail the
            # request that queued the message.
        else:
            return


@shared_task(name="notifications.tasks.requeue_pending")
def requeue_pending() -> int:
    return notifications_requeue_pending()
