"""For both signers: the signing page of a contract. The company's representative and
the domiciliataire's admin each ask for a code sent by SMS, enter it and sign; anyone
else opening the link is refused, and the attempt is written on the case's timeline."""

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.shortcuts import redirect, render

from common.exceptions import DomainError

from ..access import signature_for
from ..forms.payment import SignatureForm
from ..selectors import signature_page
from ..services.cases import recorded_refusal
from ..services.documents import contract_document
from ..services.signatures import (
    masked_phone,
    may_sign,
    signature_link_refused,
    signature_request_code,
    signature_sign,
)


def signature(request, public_id):
    """The signing page: the contract, « Recevoir un code par SMS », then the code and
    « Signer le contrat »."""
    signature = signature_for(public_id)
    case = signature.case
    if not may_sign(signature, request.user):
        signature_link_refused(signature=signature, visitor=request.user)
        return render(
            request, "domiciliation/signature_refused.html", {"signature": signature}, status=403
        )
    form = SignatureForm(request.POST if request.POST.get("action") == "sign" else None)
    status, code_error = 200, ""
    if request.method == "POST":
        try:
            with recorded_refusal(case, actor=request.user, attempt="Signature"):
                if request.POST.get("action") == "code":
                    code = signature_request_code(
                        signature=signature,
                        user=request.user,
                        ip_address=get_adapter().get_client_ip(request),
                    )
                    messages.success(
                        request,
                        f"Un code à 6 chiffres vient d’être envoyé par SMS au "
                        f"{masked_phone(code.phone)}. Il est valable 10 minutes.",
                    )
                    return redirect("domiciliation:signature", signature.public_id)
                if form.is_valid():
                    signature_sign(
                        signature=signature,
                        user=request.user,
                        code=form.cleaned_data["code"],
                        ip_address=get_adapter().get_client_ip(request),
                        user_agent=request.headers.get("User-Agent", ""),
                    )
                    messages.success(request, "Le contrat est signé. Merci.")
                    return redirect("domiciliation:signature", signature.public_id)
        except DomainError as error:
            if form.is_bound:
                form.add_error("code", str(error))
            else:
                code_error = str(error)
        status = 400
    # The task renders the contract after payment; if it has not run yet, the page does.
    has_contract = case.is_awaiting_signatures or case.is_signed
    context = {
        **signature_page(signature, request.user),
        "contract": contract_document(case_id=case.pk) if has_contract else None,
        "form": form,
        "code_error": code_error,
    }
    return render(request, "domiciliation/signature.html", context, status=status)
