"""Private files leave the storage only through a view that has checked the right to see
them: this streams one as a download. From object storage, the object is read as it is
sent (a few megabytes never sit whole in a web process); no URL of the bucket ever
reaches the browser."""

import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from .storage import StoredFileMissing


def file_response(field_file: FieldFile, *, filename: str, as_attachment: bool = True):
    """Streams `field_file` under `filename`. nosniff: the browser keeps the declared type
    and never renders an uploaded file as HTML. A missing file raises StoredFileMissing,
    a storage that does not answer StorageUnavailable (both pages in French,
    common.middleware)."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    storage = field_file.storage
    if not field_file.name:
        raise StoredFileMissing("")
    if hasattr(storage, "stream"):
        stream = storage.stream(field_file.name)
        size = stream.size
    else:
        try:
            stream = storage.open(field_file.name, "rb")
        except FileNotFoundError as error:
            raise StoredFileMissing(field_file.name) from error
        size = None
    response = FileResponse(
        stream, as_attachment=as_attachment, filename=filename, content_type=content_type
    )
    if size is not None:
        response["Content-Length"] = str(size)
    response["X-Content-Type-Options"] = "nosniff"
    return response
