from django.urls import path

from . import views

app_name = "domiciliation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("demande/", views.start, name="start"),
    path("dossier/<uuid:public_id>/etape/<int:step>/", views.step, name="step"),
    path("dossier/<uuid:public_id>/envoyer/", views.send, name="send"),
    path("suivi/<uuid:public_id>/retirer/", views.withdraw, name="withdraw"),
    path("justificatifs/<uuid:public_id>/", views.proof_download, name="proof_download"),
]
