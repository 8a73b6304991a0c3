"""`manage.py check --deploy` with the production settings, configured as the README
says (Redis, an S3 bucket, Stripe, the seal): no warning at all. A missing payment key or
sealing certificate is a warning, files on the local disk too; production without Redis
does not start, and a cache that is not shared is an error."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from domiciliation.sealing import self_signed_seal

ROOT = Path(__file__).resolve().parents[2]


def _check(**overrides) -> subprocess.CompletedProcess:
    certificate, key = self_signed_seal("Portail – cachet de contrôle")
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": "k" * 20
        + "-production-like-secret-key-with-enough-entropy-"
        + "z" * 20,
        "DJANGO_ALLOWED_HOSTS": "portail.example",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
        "STRIPE_SECRET_KEY": "sk_live_placeholder",
        "STRIPE_WEBHOOK_SECRET": "whsec_placeholder",
        "CONTRACT_SEAL_CERTIFICATE": certificate.decode(),
        "CONTRACT_SEAL_PRIVATE_KEY": key.decode(),
        # Nothing connects to them during the check.
        "REDIS_URL": "redis://redis.internal:6379/0",
        "S3_BUCKET": "portail",
        "S3_ENDPOINT_URL": "https://s3.internal",
        "S3_REGION": "fr-par",
        "S3_ACCESS_KEY_ID": "portail",
        "S3_SECRET_ACCESS_KEY": "secret-key-of-the-bucket",
        **overrides,
    }
    env = {name: value for name, value in env.items() if value is not None}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_settings_pass_the_deploy_check_without_a_warning():
    result = _check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize(
    ("overrides", "warning"),
    [
        ({"PAYMENT_PROVIDER": "simulated"}, "domiciliation.W001"),
        ({"STRIPE_WEBHOOK_SECRET": None}, "domiciliation.W002"),
        ({"CONTRACT_SEAL_CERTIFICATE": None}, "domiciliation.W003"),
    ],
)
def test_a_production_portal_without_its_payment_or_seal_settings_is_warned(overrides, warning):
    result = _check(**overrides)
    assert result.returncode != 0
    assert warning in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_shared_cache():
    result = _check(REDIS_URL=None)
    assert result.returncode != 0
    assert "REDIS_URL is required in production" in result.stderr


def test_private_files_on_the_local_disk_are_warned_with_the_reason():
    result = _check(S3_BUCKET=None)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "common.W001" in output
    assert "a second web node or a worker on another machine cannot read them" in output


def test_a_cache_of_its_own_per_process_is_an_error_at_the_deploy_check():
    result = _check(DJANGO_SETTINGS_MODULE="config.settings.local", REDIS_URL=None)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "common.E001" in output
    assert "rate limits" in output
