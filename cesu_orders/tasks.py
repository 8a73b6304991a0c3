from celery import shared_task

from .services.beneficiary_import import beneficiary_imports_purge


@shared_task(name="cesu_orders.tasks.purge_beneficiary_imports")
def purge_beneficiary_imports() -> int:
    return beneficiary_imports_purge()
