import re
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from common.uploads import (
    MAX_UPLOAD_SIZE,
    ArchiveRefused,
    UuidUploadTo,
    archive_check,
    validate_upload,
)
from tests.common.factories import image_bytes, pdf_bytes, xlsx_bomb, xlsx_bytes


def _upload(content: bytes, name: str = "fichier.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _refusal(file, **options) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_upload(file, **options)
    return caught.value


@pytest.mark.parametrize(
    ("content", "kind"),
    [(pdf_bytes(), "pdf"), (image_bytes("PNG"), "png"), (image_bytes("JPEG"), "jpeg")],
)
def test_it_returns_the_kind_sniffed_from_the_content(content, kind):
    assert validate_upload(_upload(content, "sans-extension")) == kind


def test_it_leaves_the_file_at_its_start():
    file = _upload(pdf_bytes())
    validate_upload(file)
    assert file.tell() == 0


def test_it_refuses_a_text_file_named_pdf():
    error = _refusal(_upload(b"Bonjour, je ne suis pas un PDF.", "faux.pdf"))
    assert error.code == "type"
    assert error.messages == [
        "Ce fichier n’est pas accepté. Formats acceptés\u00a0: PDF, JPEG, PNG."
    ]


def test_it_refuses_a_pdf_header_without_a_readable_pdf():
    error = _refusal(_upload(b"%PDF-1.7\n" + b"n'importe quoi" * 10))
    assert error.code == "unreadable"
    assert error.messages == ["Ce fichier est illisible ou endommagé."]


def test_it_refuses_a_truncated_png():
    assert _refusal(_upload(image_bytes("PNG")[:20], "image.png")).code == "unreadable"


def test_it_refuses_a_file_over_the_size_cap():
    error = _refusal(_upload(pdf_bytes() + b"0" * MAX_UPLOAD_SIZE))
    assert error.code == "too_large"
    assert error.messages == ["Le fichier dépasse la taille maximale de 10\u00a0Mo."]


def test_it_refuses_a_kind_not_asked_for():
    error = _refusal(_upload(image_bytes("PNG"), "image.png"), kinds=("pdf",))
    assert error.messages == ["Ce fichier n’est pas accepté. Formats acceptés\u00a0: PDF."]


def test_it_renames_an_upload_to_a_uuid_under_its_prefix():
    name = UuidUploadTo("help")(None, "Mon Relevé d'identité.PDF")
    assert re.fullmatch(r"help/[0-9a-f]{32}\.pdf", name)


def test_it_gives_two_uploads_of_the_same_name_different_names():
    upload_to = UuidUploadTo("help")
    assert upload_to(None, "a.png") != upload_to(None, "a.png")


@pytest.mark.parametrize("filename", ["script.html", "archive.tar.gz", "sans-extension"])
def test_it_never_keeps_an_unknown_extension(filename):
    assert UuidUploadTo("help")(None, filename).endswith(".bin")


def test_it_deconstructs_for_migrations():
    path, args, kwargs = UuidUploadTo("documents").deconstruct()
    assert path == "common.uploads.UuidUploadTo"
    assert args == ("documents",)


def test_a_decompression_bomb_is_refused_with_a_french_message():
    output = BytesIO()
    Image.new("1", (20000, 20000)).save(output, format="PNG")  # 400 Mpx, a few KB
    upload = SimpleUploadedFile("bombe.png", output.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError, match="illisible ou endommagé"):
        validate_upload(upload)


# ZIP archives (XLSX)


def _archive_refusal(content: bytes, **options) -> ArchiveRefused:
    with pytest.raises(ArchiveRefused) as caught:
        archive_check(BytesIO(content), **options)
    return caught.value


def test_it_lets_an_ordinary_workbook_through_and_rewinds_it():
    file = BytesIO(xlsx_bytes([["nom", "prenom"], ["Lefèvre", "Hélène"]]))
    file.read(3)

    archive_check(file, max_uncompressed=1024 * 1024)

    assert file.tell() == 0


def test_it_refuses_an_archive_that_inflates_past_the_cap():
    error = _archive_refusal(xlsx_bytes([["nom"]] * 10), max_uncompressed=4096)

    assert error.messages == [
        "Ce fichier dépasse 0\u00a0Mo une fois décompressé\u00a0: découpez-le en plusieurs "
        "fichiers."
    ]


def test_it_refuses_a_part_compressed_a_thousand_times_whatever_the_cap():
    error = _archive_refusal(xlsx_bomb(5), max_uncompressed=1024**3)

    assert "compressé de façon anormale (plus de 100\u00a0fois)" in error.messages[0]


def test_it_refuses_what_is_not_a_zip_archive():
    assert _archive_refusal(b"PK\x03\x04 pas une archive", max_uncompressed=1).messages == [
        "Ce fichier est illisible ou endommagé."
    ]
