from celery import shared_task

from .services.approval import approval_alerts_run


@shared_task(name="directory.tasks.approval_alerts")
def approval_alerts() -> int:
    return approval_alerts_run()
