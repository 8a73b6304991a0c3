from celery import shared_task

from .services import (
    MAX_ATTEMPTS,
    DeliveryRetry,
    notification_deliver,
    notifications_requeue_pending,
)


@shared_task(bind=True, max_retries=MAX_ATTEMPTS, name="notifications.tasks.deliver")
def deliver(self, notification_id: int) -> None:
    try:
        notification_deliver(notification_id=notification_id)
    except DeliveryRetry as error:
        raise self.retry(exc=error, countdown=error.countdown) from error


@shared_task(name="notifications.tasks.requeue_pending")
def requeue_pending() -> int:
    return notifications_requeue_pending()
