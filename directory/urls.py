from django.urls import path

from .views import public

app_name = "directory"

urlpatterns = [
    path("", public.directory_home, name="home"),
    path("recherche/", public.search, name="search"),
    path("selection/", public.selection, name="selection"),
    path("selection/ajouter/<slug:slug>/", public.selection_add, name="selection_add"),
    path("selection/retirer/<slug:slug>/", public.selection_remove, name="selection_remove"),
    path("departement/<str:code>/", public.department_detail, name="department"),
    path("domiciliataire/<slug:slug>/", public.provider_detail, name="provider"),
    path("domiciliataire/<slug:slug>/logo.png", public.provider_logo, name="provider_logo"),
    path("<slug:slug>/", public.region_detail, name="region"),
]
