from django.urls import path

from . import provider_views as views

app_name = "domiciliation_provider"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("dossiers/", views.case_list, name="case_list"),
    path("dossiers/<uuid:public_id>/", views.case_detail, name="case_detail"),
    path("dossiers/<uuid:public_id>/justificatifs/", views.case_proofs, name="case_proofs"),
    path("dossiers/<uuid:public_id>/contrat/", views.case_contract, name="case_contract"),
    path(
        "dossiers/<uuid:public_id>/contrat/pdf/", views.case_contract_pdf, name="case_contract_pdf"
    ),
    path("dossiers/<uuid:public_id>/accepter/", views.case_accept_view, name="case_accept"),
    path("dossiers/<uuid:public_id>/classer/", views.case_dismiss_view, name="case_dismiss"),
    path("modele-de-contrat/", views.contract_clauses, name="contract_clauses"),
    path("equipe/", views.team, name="team"),
    path(
        "equipe/<uuid:public_id>/desactiver/", views.agent_deactivate_view, name="agent_deactivate"
    ),
    path(
        "equipe/<uuid:public_id>/reactiver/", views.agent_reactivate_view, name="agent_reactivate"
    ),
]
