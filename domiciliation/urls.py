"""The company's side, at /domiciliation/: the questionnaire and its cases, payment,
signature, « Mon contrat » and the files it may download."""

from django.urls import path

from .views import company, company_contract, files, payment, public, signature

app_name = "domiciliation"

urlpatterns = [
    path("", company.dashboard, name="dashboard"),
    path("demande/", company.start, name="start"),
    path("contrat-standard/", public.standard_contract, name="standard_contract"),
    path(
        "contrat-standard/contrat-standard-de-domiciliation.pdf",
        public.standard_contract_download,
        name="standard_contract_pdf",
    ),
    path("boite-postale-virtuelle/", public.virtual_mailbox, name="virtual_mailbox"),
    path("creer-son-entreprise/", public.company_creation, name="company_creation"),
    path("clauses/<slug:slug>/", public.provider_clauses, name="provider_clauses"),
    path("dossier/<uuid:public_id>/etape/<int:step>/", company.step, name="step"),
    path("dossier/<uuid:public_id>/envoyer/", company.send, name="send"),
    path("suivi/<uuid:public_id>/retirer/", company.withdraw, name="withdraw"),
    path("justificatifs/<uuid:public_id>/", files.proof_download, name="proof_download"),
    path("suivi/<uuid:public_id>/paiement/", payment.payment, name="payment"),
    path(
        "paiement/<uuid:public_id>/simulation/",
        payment.payment_simulation,
        name="payment_simulation",
    ),
    path("paiement/stripe/webhook/", payment.stripe_webhook, name="stripe_webhook"),
    path("signature/<uuid:public_id>/", signature.signature, name="signature"),
    path("documents/<uuid:public_id>/", files.document_download, name="document"),
    path("factures/<uuid:public_id>/", files.invoice_download, name="invoice"),
    path("avoirs/<uuid:public_id>/", files.credit_note_download, name="credit_note"),
    path("contrat/<uuid:public_id>/", company_contract.contract, name="contract"),
    path(
        "contrat/<uuid:public_id>/resilier/",
        company_contract.contract_notice,
        name="contract_notice",
    ),
    path(
        "contrat/<uuid:public_id>/kbis/",
        company_contract.registration_send,
        name="registration_send",
    ),
    path(
        "contrat/<uuid:public_id>/moyen-de-paiement/",
        company_contract.payment_method_setup,
        name="payment_method_setup",
    ),
    path(
        "contrat/<uuid:public_id>/moyen-de-paiement/simulation/",
        company_contract.payment_method_simulation,
        name="payment_method_simulation",
    ),
    path(
        "contrat/<uuid:public_id>/factures/<uuid:invoice_id>/payer/",
        company_contract.invoice_pay,
        name="invoice_pay",
    ),
]
