from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Commun"

    def ready(self):
        from . import checks  # noqa: F401 - registers the deployment checks
