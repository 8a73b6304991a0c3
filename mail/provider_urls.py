"""The domiciliataire's « Courrier », at /domiciliataire/courrier/."""

from django.urls import path

from .views import files, provider

app_name = "mail_provider"

urlpatterns = [
    path("", provider.home, name="home"),
    path("saisie/", provider.entry, name="entry"),
    path("file/<slug:slug>/", provider.queue, name="queue"),
    path("<uuid:public_id>/", provider.item_detail, name="item"),
    path("<uuid:public_id>/numerisation/", provider.item_scan, name="item_scan"),
    path("<uuid:public_id>/reexpedie/", provider.item_forwarded, name="item_forwarded"),
    path("<uuid:public_id>/retire/", provider.item_collected, name="item_collected"),
    path("<uuid:public_id>/detruit/", provider.item_destroyed, name="item_destroyed"),
    path("numerisations/<uuid:public_id>/", files.scan_download, name="scan"),
]
