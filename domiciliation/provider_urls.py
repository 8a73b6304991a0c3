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
    path("dossiers/<uuid:public_id>/paiement/", views.case_payment, name="case_payment"),
    path(
        "dossiers/<uuid:public_id>/paiement/virement/",
        views.case_transfer,
        name="case_transfer",
    ),
    path(
        "dossiers/<uuid:public_id>/reactiver/", views.case_reactivate_view, name="case_reactivate"
    ),
    path(
        "dossiers/<uuid:public_id>/paiements/<uuid:payment_id>/rembourser/",
        views.payment_refund_view,
        name="payment_refund",
    ),
    path("dossiers/<uuid:public_id>/accepter/", views.case_accept_view, name="case_accept"),
    path("dossiers/<uuid:public_id>/classer/", views.case_dismiss_view, name="case_dismiss"),
    path("modele-de-contrat/", views.contract_clauses, name="contract_clauses"),
    path("equipe/", views.team, name="team"),
    path("equipe/mon-mobile/", views.own_phone, name="own_phone"),
    path(
        "equipe/<uuid:public_id>/desactiver/", views.agent_deactivate_view, name="agent_deactivate"
    ),
    path(
        "equipe/<uuid:public_id>/reactiver/", views.agent_reactivate_view, name="agent_reactivate"
    ),
]
