"""A scan, streamed through a permission check, for the item's domiciliataire or its
company; `?apercu=1` is the picture the item's page shows. A company opening a content
scan has taken its mail (the three-month rule)."""

from django.http import Http404

from common.files import file_response
from common.uploads import EXTENSIONS

from ..access import scan_for
from ..services.items import mail_scan_opened


def scan_download(request, public_id):
    scan = scan_for(request, public_id)
    extension = EXTENSIONS.get(scan.kind, "bin")
    name = f"courrier-{scan.item.received_on:%Y-%m-%d}-{scan.side}"
    if request.GET.get("apercu") == "1":
        if not scan.is_pdf:
            return file_response(scan.file, filename=f"{name}.{extension}", as_attachment=False)
        if not scan.preview:
            raise Http404("Pas d’aperçu pour cette numérisation.")
        return file_response(scan.preview, filename=f"{name}.png", as_attachment=False)
    mail_scan_opened(scan=scan, user=request.user)  # a retrieval when the company opens it
    return file_response(scan.file, filename=f"{name}.{extension}")
