"""The company's « Mon courrier », at /courrier/."""

from django.urls import path

from .views import company, files

app_name = "mail"

urlpatterns = [
    path("", company.inbox, name="inbox"),
    path("<uuid:public_id>/", company.item, name="item"),
    path("<uuid:public_id>/reexpedier/", company.item_forward, name="item_forward"),
    path("<uuid:public_id>/demande/<slug:action>/", company.item_request, name="item_request"),
    path("contrat/<uuid:public_id>/preferences/", company.preferences, name="preferences"),
    path("contrat/<uuid:public_id>/procuration/", company.proxy, name="proxy"),
    path("contrat/<uuid:public_id>/procuration/code/", company.proxy_code, name="proxy_code"),
    path("numerisations/<uuid:public_id>/", files.scan_download, name="scan"),
]
