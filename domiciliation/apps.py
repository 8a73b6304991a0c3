from django.apps import AppConfig


class DomiciliationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "domiciliation"
    verbose_name = "Domiciliation"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
