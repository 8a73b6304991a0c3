"""Deployment checks (`manage.py check --deploy`): a production portal that takes money
and seals contracts must be configured to."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def payment_and_seal_settings(app_configs, **kwargs):
    warnings = []
    if settings.PAYMENT_PROVIDER == "simulated":
        warnings.append(
            checks.Warning(
                "PAYMENT_PROVIDER is 'simulated': companies would « pay » without paying.",
                hint="Set PAYMENT_PROVIDER=stripe, STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                id="domiciliation.W001",
            )
        )
    elif not (settings.STRIPE_SECRET_KEY and settings.STRIPE_WEBHOOK_SECRET):
        warnings.append(
            checks.Warning(
                "Stripe is the payment provider but its keys are missing.",
                hint="Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET.",
                id="domiciliation.W002",
            )
        )
    if not (settings.CONTRACT_SEAL_CERTIFICATE and settings.CONTRACT_SEAL_PRIVATE_KEY):
        warnings.append(
            checks.Warning(
                "Signed contracts cannot be sealed: no sealing certificate.",
                hint="Set CONTRACT_SEAL_CERTIFICATE and CONTRACT_SEAL_PRIVATE_KEY (PEM).",
                id="domiciliation.W003",
            )
        )
    return warnings
