from celery import shared_task

from .services.alerts import mail_alert_items, mail_alerts_catch_up, mail_digest_run
from .services.previews import scan_preview_make
from .services.rules import mail_purge_run, mail_standing_forward_run, mail_three_month_run


@shared_task(name="mail.tasks.alert_items")
def alert_items(item_ids: list[int]) -> int:
    return mail_alert_items(item_ids=item_ids)


@shared_task(name="mail.tasks.catch_up_alerts")
def catch_up_alerts() -> int:
    return mail_alerts_catch_up()


@shared_task(name="mail.tasks.daily_digest")
def daily_digest() -> int:
    return mail_digest_run()


@shared_task(name="mail.tasks.render_scan_preview")
def render_scan_preview(scan_id: int) -> None:
    scan_preview_make(scan_id=scan_id)


@shared_task(name="mail.tasks.three_month_rule")
def three_month_rule() -> dict:
    return mail_three_month_run()


@shared_task(name="mail.tasks.purge_scans")
def purge_scans() -> int:
    return mail_purge_run()


@shared_task(name="mail.tasks.standing_forwarding")
def standing_forwarding() -> int:
    return mail_standing_forward_run()
