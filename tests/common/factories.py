"""Small real files for upload tests: they open with pypdf and Pillow."""

import io

from PIL import Image
from pypdf import PdfWriter


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def image_bytes(image_format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "navy").save(buffer, format=image_format)
    return buffer.getvalue()


def xlsx_bytes(rows) -> bytes:
    """A real workbook, as a spreadsheet saves it (its text in sharedStrings.xml)."""
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_RELS = b"http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_RELS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_XLSX_PARTS = {
    "[Content_Types].xml": b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://'
    b'schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" '
    b'ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default '
    b'Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+'
    b'xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    b'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/'
    b'sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    b'spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="'
    + _RELS
    + b'"><Relationship Id="rId1" Type="'
    + _DOC_RELS
    + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="'
    + _MAIN
    + b'" xmlns:r="'
    + _DOC_RELS
    + b'"><sheets><sheet name="Feuil1" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": b'<?xml version="1.0" encoding="UTF-8"?><Relationships '
    b'xmlns="'
    + _RELS
    + b'"><Relationship Id="rId1" Type="'
    + _DOC_RELS
    + b'/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="'
    + _DOC_RELS
    + b'/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/worksheets/sheet1.xml": b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="'
    + _MAIN
    + b'"><sheetData><row r="1"><c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>',
}


def xlsx_shared_strings(write_strings) -> bytes:
    """A minimal valid workbook, as Excel saves it: cell A1 of its one sheet is shared
    string 0. `write_strings(stream)` writes xl/sharedStrings.xml, chunk by chunk."""
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as workbook:
        for name, content in _XLSX_PARTS.items():
            workbook.writestr(name, content)
        with workbook.open("xl/sharedStrings.xml", "w") as strings:
            write_strings(strings)
    return buffer.getvalue()


def xlsx_bomb(megabytes: int) -> bytes:
    """A valid workbook whose sharedStrings.xml holds one string of `megabytes` MB of
    « A » (cell A1): about a thousand times smaller zipped. Written in chunks, so that
    building it costs the test no memory."""

    def one_huge_string(strings):
        strings.write(b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="' + _MAIN)
        strings.write(b'" count="1" uniqueCount="1"><si><t>')
        chunk = b"A" * (1024 * 1024)
        for _ in range(megabytes):
            strings.write(chunk)
        strings.write(b"</t></si></sst>")

    return xlsx_shared_strings(one_huge_string)
