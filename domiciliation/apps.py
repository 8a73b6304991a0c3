from django.apps import AppConfig


class DomiciliationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "domiciliation"
    verbose_name = "Domiciliation"
