"""« Télécharger un devis »: the quote a financeur's accounts department approves before a
manager clicks « Valider la commande »."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from accounts.models import TenantModel
from common.uploads import UuidUploadTo, private_storage


class Quote(TenantModel):
    """A numbered quote of the cart as it was (`cart_version`): its lines, fees and
    totals are frozen in `content` and the columns below, its PDF rendered once by a
    task. Valid 30 days (`QUOTE_VALIDITY_DAYS` in services/quotes.py)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.CharField("numéro", max_length=30, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="établi par",
    )
    created_at = models.DateTimeField("établi le", default=timezone.now)
    valid_until = models.DateField("valable jusqu'au")
    cart_version = models.PositiveIntegerField("version du panier")
    vintage_year = models.PositiveSmallIntegerField("millésime")
    vintage_valid_until = models.DateField("titres utilisables jusqu'au")
    delivery_date = models.DateField("date de livraison demandée")
    face_total = models.DecimalField("total valeur faciale", max_digits=12, decimal_places=2)
    employer_share_total = models.DecimalField(
        "total part patronale", max_digits=12, decimal_places=2
    )
    fees_excl_vat = models.DecimalField("frais HT", max_digits=10, decimal_places=2)
    vat_rate = models.DecimalField("taux de TVA (%)", max_digits=5, decimal_places=2)
    vat = models.DecimalField("TVA", max_digits=10, decimal_places=2)
    total_to_pay = models.DecimalField("total à payer", max_digits=12, decimal_places=2)
    # Lines, fees and delivery as quoted, amounts as strings: what the PDF is made of.
    content = models.JSONField("contenu")
    pdf = models.FileField(
        "PDF", storage=private_storage, upload_to=UuidUploadTo("quotes"), blank=True
    )

    class Meta:
        verbose_name = "devis"
        verbose_name_plural = "devis"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "cart_version"])]

    def __str__(self):
        return self.number

    @property
    def fees_incl_vat(self):
        return self.fees_excl_vat + self.vat

    @property
    def is_ready(self) -> bool:
        return bool(self.pdf)
