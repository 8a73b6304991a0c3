from celery import shared_task

from .health import worker_answer


@shared_task(name="accounts.tasks.worker_ping", ignore_result=True, expires=120)
def worker_ping() -> None:
    worker_answer()
