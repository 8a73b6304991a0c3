"""Private files on S3-compatible object storage (production, several nodes): django-
storages' backend with bounded timeouts and retries, reads that return the whole object
(a PDF to seal, an attachment, an import: a few megabytes at most) and a streamed read
for downloads. Nothing here gives a file a URL: views stream them. Every backend error
is translated here, once, into StoredFileMissing or StorageUnavailable."""

import logging
from contextlib import contextmanager

from boto3.exceptions import Boto3Error
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.core.files.base import ContentFile
from storages.backends.s3 import S3Storage

from .storage import StorageUnavailable, StoredFileMissing

logger = logging.getLogger(__name__)

# Error codes of an object (not a bucket) that does not exist.
MISSING_CODES = {"NoSuchKey", "404", "NotFound"}
# Opening a file to write: what fails there is a save.
SAVING = {"write"}


@contextmanager
def storage_errors(name: str, action: str):
    """Turns the backend's errors about `name` into StoredFileMissing or
    StorageUnavailable, logged with what was being done."""
    try:
        yield
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in MISSING_CODES:
            raise StoredFileMissing(name) from error
        logger.error("Object storage refused to %s %s: %s", action, name, code or error)
        raise StorageUnavailable(saving=action in SAVING) from error
    except (BotoCoreError, Boto3Error, OSError) as error:
        if isinstance(error, FileNotFoundError):
            raise
        logger.error("Object storage unreachable to %s %s: %r", action, name, error)
        raise StorageUnavailable(saving=action in SAVING) from error


class ObjectStream:
    """The body of an object, read chunk by chunk as the response is sent. A storage
    that stops answering mid-way raises StorageUnavailable: the server then drops the
    connection, and the browser, told the full length, reports a failed download instead
    of keeping a truncated file."""

    def __init__(self, body, *, name: str, size: int):
        self._body = body
        self.name = name
        self.size = size

    def read(self, size: int = -1) -> bytes:
        with storage_errors(self.name, "stream"):
            return self._body.read(None if size is None or size < 0 else size)

    def close(self) -> None:
        self._body.close()


class PrivateS3Storage(S3Storage):
    """The private files in an S3-compatible bucket: objects are private (no ACL), never
    overwritten (names are UUIDs; a clash gets a new name, as on disk), and every call
    is bounded in time: a storage that does not answer fails the action in seconds."""

    def get_default_settings(self):
        return {
            **super().get_default_settings(),
            "file_overwrite": False,
            "default_acl": None,
            "querystring_expire": 60,
            "connect_timeout": 3,
            "read_timeout": 20,
            "max_attempts": 3,
        }

    def __init__(self, **settings):
        super().__init__(**settings)
        self.client_config = self.client_config.merge(
            Config(
                connect_timeout=self.connect_timeout,
                read_timeout=self.read_timeout,
                retries={"max_attempts": self.max_attempts, "mode": "standard"},
            )
        )

    def _open(self, name, mode="rb"):
        if "w" in mode:
            with storage_errors(name, "write"):
                return super()._open(name, mode)
        stream = self.stream(name)
        try:
            content = stream.read()
        finally:
            stream.close()
        return ContentFile(content, name=name)

    def stream(self, name: str) -> ObjectStream:
        """The object `name`, to read as it comes (downloads)."""
        key = self._normalize_name(name)
        with storage_errors(name, "read"):
            answer = self.bucket.meta.client.get_object(Bucket=self.bucket_name, Key=key)
        return ObjectStream(answer["Body"], name=name, size=answer["ContentLength"])

    def save(self, name, content, max_length=None):
        try:
            return super().save(name, content, max_length)
        except StorageUnavailable as error:
            # Whichever call failed (the name check, the upload), nothing was saved.
            raise StorageUnavailable(saving=True) from error

    def _save(self, name, content):
        with storage_errors(name, "save"):
            return super()._save(name, content)

    def delete(self, name):
        with storage_errors(name, "delete"):
            return super().delete(name)

    def exists(self, name):
        with storage_errors(name, "check"):
            return super().exists(name)

    def size(self, name):
        with storage_errors(name, "size"):
            return super().size(name)

    def listdir(self, name):
        with storage_errors(name, "list"):
            return super().listdir(name)

    def get_modified_time(self, name):
        with storage_errors(name, "date"):
            return super().get_modified_time(name)

    def probe(self) -> None:
        """Raises StorageUnavailable unless the bucket answers (health check)."""
        try:
            with storage_errors(self.bucket_name, "reach"):
                self.bucket.meta.client.head_bucket(Bucket=self.bucket_name)
        except StoredFileMissing as error:  # the bucket itself is missing
            raise StorageUnavailable() from error

    def bucket_create(self) -> bool:
        """Creates the bucket unless it exists; True when it was created."""
        try:
            self.probe()
        except StorageUnavailable:
            with storage_errors(self.bucket_name, "create"):
                self.bucket.create(**self._create_bucket_configuration())
            return True
        return False

    def _create_bucket_configuration(self) -> dict:
        # Outside us-east-1, S3 wants the region of a new bucket spelt out.
        if self.region_name and self.region_name != "us-east-1":
            return {"CreateBucketConfiguration": {"LocationConstraint": self.region_name}}
        return {}
