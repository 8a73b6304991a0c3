"""The case's issued PDFs (contract, sealed contract, attestation) and each party's
signature with its one-time codes."""

import uuid

from django.conf import settings
from django.db import models

from common.models import WithPdfPreview
from common.uploads import UuidUploadTo, private_storage

from .cases import Case


class CaseDocument(WithPdfPreview):
    """A PDF of the case kept as issued: the contract to sign, the signed and sealed
    contract, the « attestation de domiciliation », and at the contract's end the
    « attestation de fin de domiciliation ». Its SHA-256 is what signers sign. The
    contract to sign has the picture of its first page that the signing page shows."""

    class Kind(models.TextChoices):
        CONTRACT = "contract", "Contrat à signer"
        SIGNED_CONTRACT = "signed_contract", "Contrat signé et scellé"
        ATTESTATION = "attestation", "Attestation de domiciliation"
        END_ATTESTATION = "end_attestation", "Attestation de fin de domiciliation"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField("document", max_length=20, choices=Kind.choices)
    file = models.FileField("PDF", storage=private_storage, upload_to=UuidUploadTo("contracts"))
    sha256 = models.CharField("empreinte SHA-256", max_length=64)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    class Meta:
        verbose_name = "document du dossier"
        verbose_name_plural = "documents du dossier"
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="document_one_per_kind")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.case}"


class Signature(models.Model):
    """One party's signature of the contract: the company's representative, or one admin
    of the domiciliataire. Its public id is the signing link's."""

    class Party(models.TextChoices):
        COMPANY = "company", "Le domicilié"
        PROVIDER = "provider", "Le domiciliataire"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField("partie", max_length=10, choices=Party.choices)
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="signataire",
    )
    signer_name = models.CharField("nom du signataire", max_length=300, blank=True)
    phone = models.CharField("téléphone du code", max_length=20, blank=True)
    signed_at = models.DateTimeField("signé le", null=True, blank=True)
    ip_address = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=500, blank=True)
    document_sha256 = models.CharField("empreinte du PDF signé", max_length=64, blank=True)

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["party"]
        constraints = [
            models.UniqueConstraint(fields=["case", "party"], name="signature_one_per_party")
        ]

    def __str__(self):
        return f"{self.get_party_display()} – {self.case}"


class SignatureCode(models.Model):
    """A one-time code sent by SMS to the signer: 6 digits, valid 10 minutes, 5 attempts.
    Only its HMAC is stored."""

    signature = models.ForeignKey(Signature, on_delete=models.CASCADE, related_name="codes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=64)
    phone = models.CharField("envoyé au", max_length=20)
    ip_address = models.GenericIPAddressField("demandé depuis", null=True, blank=True)
    created_at = models.DateTimeField("envoyé le")
    expires_at = models.DateTimeField("valable jusqu’au")
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    used_at = models.DateTimeField("utilisé le", null=True, blank=True)

    class Meta:
        verbose_name = "code de signature"
        verbose_name_plural = "codes de signature"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Code du {self.created_at:%d/%m/%Y %H:%M} pour {self.signature}"
