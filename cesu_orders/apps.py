from django.apps import AppConfig


class CesuOrdersConfig(AppConfig):
    name = "cesu_orders"
    verbose_name = "Commandes CESU"
