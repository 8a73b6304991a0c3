from django.urls import path

from . import contract_views, views

app_name = "domiciliation"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("demande/", views.start, name="start"),
    path("dossier/<uuid:public_id>/etape/<int:step>/", views.step, name="step"),
    path("dossier/<uuid:public_id>/envoyer/", views.send, name="send"),
    path("suivi/<uuid:public_id>/retirer/", views.withdraw, name="withdraw"),
    path("justificatifs/<uuid:public_id>/", views.proof_download, name="proof_download"),
    path("suivi/<uuid:public_id>/paiement/", contract_views.payment, name="payment"),
    path(
        "paiement/<uuid:public_id>/simulation/",
        contract_views.payment_simulation,
        name="payment_simulation",
    ),
    path("paiement/stripe/webhook/", contract_views.stripe_webhook, name="stripe_webhook"),
    path("signature/<uuid:public_id>/", contract_views.signature, name="signature"),
    path("documents/<uuid:public_id>/", contract_views.document_download, name="document"),
    path("factures/<uuid:public_id>/", contract_views.invoice_download, name="invoice"),
]
