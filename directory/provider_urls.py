from django.urls import path

from .views import provider

app_name = "directory_provider"

urlpatterns = [
    path("", provider.profile, name="profile"),
    path("soumettre/", provider.submit, name="submit"),
    path("centres/ajouter/", provider.centre_create, name="centre_create"),
    path("centres/<uuid:public_id>/modifier/", provider.centre_update, name="centre_update"),
    path("centres/<uuid:public_id>/supprimer/", provider.centre_delete, name="centre_delete"),
]
