"""The domiciliataire's side, at /domiciliataire/: instruction, payment, contracts, team."""

from django.urls import path

from .views import payment, provider, provider_contracts, provider_legal, provider_vigilance, team

app_name = "domiciliation_provider"

urlpatterns = [
    path("", provider.dashboard, name="dashboard"),
    path("dossiers/", provider.case_list, name="case_list"),
    path("dossiers/<uuid:public_id>/", provider.case_detail, name="case_detail"),
    path("dossiers/<uuid:public_id>/justificatifs/", provider.case_proofs, name="case_proofs"),
    path("dossiers/<uuid:public_id>/contrat/", provider.case_contract, name="case_contract"),
    path(
        "dossiers/<uuid:public_id>/contrat/pdf/",
        provider.case_contract_pdf,
        name="case_contract_pdf",
    ),
    path("dossiers/<uuid:public_id>/paiement/", payment.case_payment, name="case_payment"),
    path(
        "dossiers/<uuid:public_id>/paiement/virement/",
        payment.case_transfer,
        name="case_transfer",
    ),
    path(
        "dossiers/<uuid:public_id>/reactiver/",
        payment.case_reactivate_view,
        name="case_reactivate",
    ),
    path(
        "dossiers/<uuid:public_id>/paiements/<uuid:payment_id>/rembourser/",
        payment.payment_refund_view,
        name="payment_refund",
    ),
    path(
        "dossiers/<uuid:public_id>/vigilance/",
        provider_vigilance.case_vigilance,
        name="case_vigilance",
    ),
    path(
        "dossiers/<uuid:public_id>/vigilance/soupcon/",
        provider_vigilance.case_suspicion,
        name="case_suspicion",
    ),
    path(
        "dossiers/<uuid:public_id>/vigilance/soupcon/ajouter/",
        provider_vigilance.case_suspicion_add,
        name="case_suspicion_add",
    ),
    path("dossiers/<uuid:public_id>/accepter/", provider.case_accept_view, name="case_accept"),
    path("dossiers/<uuid:public_id>/classer/", provider.case_dismiss_view, name="case_dismiss"),
    path("modele-de-contrat/", provider.contract_clauses, name="contract_clauses"),
    path("contrats/", provider_contracts.contract_list, name="contract_list"),
    path("contrats/impayes/", provider_contracts.unpaid_list, name="contract_unpaid"),
    path("contrats/greffe/", provider_contracts.greffe, name="greffe"),
    path(
        "contrats/kbis-attendus/",
        provider_contracts.registration_list,
        name="registration_list",
    ),
    path(
        "contrats/greffe/<uuid:public_id>/envoye/",
        provider_contracts.greffe_notice_sent,
        name="greffe_notice_sent",
    ),
    path(
        "contrats/greffe/<uuid:public_id>/lettre/",
        provider_contracts.greffe_notice_pdf,
        name="greffe_notice_pdf",
    ),
    path("contrats/<uuid:public_id>/", provider_contracts.contract_detail, name="contract_detail"),
    path("contrats/<uuid:public_id>/kbis/", provider_contracts.contract_kbis, name="contract_kbis"),
    path(
        "contrats/<uuid:public_id>/virement/",
        provider_contracts.invoice_transfer,
        name="contract_transfer",
    ),
    path(
        "contrats/<uuid:public_id>/annuler-facture/",
        provider_contracts.invoice_cancel_view,
        name="contract_invoice_cancel",
    ),
    path(
        "contrats/<uuid:public_id>/conditions/",
        provider_contracts.contract_terms,
        name="contract_terms",
    ),
    path(
        "contrats/<uuid:public_id>/resilier/",
        provider_contracts.contract_terminate_view,
        name="contract_terminate",
    ),
    path(
        "contrats/<uuid:public_id>/avoirs/<uuid:credit_note_id>/rembourse/",
        provider_contracts.credit_note_refunded,
        name="credit_note_refunded",
    ),
    path("declarations/", provider_legal.declaration_list, name="declarations"),
    path(
        "declarations/<str:period>/",
        provider_legal.declaration_detail,
        name="declaration_detail",
    ),
    path(
        "declarations/<str:period>/lettre/",
        provider_legal.declaration_pdf_view,
        name="declaration_pdf",
    ),
    path("declarations/<str:period>/csv/", provider_legal.declaration_csv, name="declaration_csv"),
    path(
        "declarations/<str:period>/envoyee/",
        provider_legal.declaration_sent,
        name="declaration_sent",
    ),
    path("equipe/", team.team, name="team"),
    path("equipe/mon-mobile/", team.own_phone, name="own_phone"),
    path(
        "equipe/<uuid:public_id>/desactiver/",
        team.agent_deactivate_view,
        name="agent_deactivate",
    ),
    path(
        "equipe/<uuid:public_id>/reactiver/",
        team.agent_reactivate_view,
        name="agent_reactivate",
    ),
]
