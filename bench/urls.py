"""The portal's URLs plus the bench's own pages: the floor (bench/floor.py) and the
limit of the big CESU pages (bench/limits.py)."""

from django.urls import path

from bench import floor, limits
from config.urls import urlpatterns as portal_urlpatterns

urlpatterns = [
    path("bench/plancher/", floor.floor, name="bench_floor"),
    path("bench/limite/tableau/", limits.table, name="bench_limit_table"),
    path("bench/limite/recapitulatif/", limits.recap, name="bench_limit_recap"),
    path("bench/limite/panier/", limits.cart_save, name="bench_limit_cart_save"),
    *portal_urlpatterns,
]
