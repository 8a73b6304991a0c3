"""Private files leave the storage only through a view that has checked the right to see
them: this streams one as a download."""

import mimetypes

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def file_response(field_file: FieldFile, *, filename: str, as_attachment: bool = True):
    """Streams `field_file` under `filename`. nosniff: the browser keeps the declared type
    and never renders an uploaded file as HTML."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    response = FileResponse(
        field_file.open("rb"),
        as_attachment=as_attachment,
        filename=filename,
        content_type=content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
