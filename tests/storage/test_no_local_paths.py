"""Nothing in the portal opens a local path of a stored file: with the files in a bucket
there is none (S3Storage.path raises). Stored files are read through the storage API:
`field_file.open()`, `storage.open(name)`, `file_response`."""

import ast
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db.models import FileField

APPS = (
    "accounts",
    "cesu_orders",
    "common",
    "config",
    "directory",
    "domiciliation",
    "notifications",
)


def _sources():
    for app in APPS:
        for path in sorted((Path(settings.BASE_DIR) / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _file_fields() -> set[str]:
    return {
        field.name
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if isinstance(field, FileField)
    }


def _local_paths(tree: ast.AST, file_fields: set[str]) -> list[int]:
    """Lines reading `<object>.<file field>.path` or calling `<storage>.path(…)`."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and node.attr == "path"):
            continue
        owner = node.value
        if (
            isinstance(owner, ast.Attribute)
            and owner.attr in file_fields
            or "storage" in ast.unparse(owner).lower()
        ):
            lines.append(node.lineno)
    return lines


def test_no_code_opens_the_local_path_of_a_stored_file():
    file_fields = _file_fields()
    assert {"file", "pdf", "attachment", "logo"} <= file_fields
    offences = [
        f"{path.relative_to(settings.BASE_DIR)}:{line}"
        for path in _sources()
        for line in _local_paths(ast.parse(path.read_text(encoding="utf-8")), file_fields)
    ]
    assert offences == []


def test_the_check_finds_what_it_looks_for():
    code = "def f(proof, storage):\n    open(proof.file.path)\n    return storage.path(name)\n"
    assert _local_paths(ast.parse(code), {"file"}) == [2, 3]
