"""The company's side, at /domiciliation/: the questionnaire and its cases, payment,
signature and the files it may download."""

from django.urls import path

from .views import company, files, payment, signature

app_name = "domiciliation"

urlpatterns = [
    path("", company.dashboard, name="dashboard"),
    path("demande/", company.start, name="start"),
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
]
