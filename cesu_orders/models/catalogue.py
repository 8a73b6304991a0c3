"""The catalogue staff keep in the admin: what a bénéficiaire's vouchers may be (usage
category, format, face value, booklet size) and what an order is priced and sold with
(vintage, service fees, exemption ceilings, terms of sale)."""

from django.db import models


class VoucherFormat(models.TextChoices):
    PAPER = "paper", "Papier"
    ELECTRONIC = "electronic", "e-CESU"


class UsageCategory(models.Model):
    """Catalogue: what the vouchers pay for (« catégorie d'utilisation du titre »)."""

    code = models.SlugField("code", max_length=50, unique=True)
    label = models.CharField("libellé", max_length=150)
    is_active = models.BooleanField("proposée", default=True)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    class Meta:
        verbose_name = "catégorie d'utilisation"
        verbose_name_plural = "catégories d'utilisation"
        ordering = ["position", "label"]

    def __str__(self):
        return self.label


class FaceValue(models.Model):
    """Catalogue: a face value (« valeur faciale ») a voucher may carry."""

    amount = models.DecimalField("montant (€)", max_digits=6, decimal_places=2, unique=True)
    is_active = models.BooleanField("proposée", default=True)

    class Meta:
        verbose_name = "valeur faciale"
        verbose_name_plural = "valeurs faciales"
        ordering = ["amount"]

    def __str__(self):
        return f"{self.amount} €"


class BookletSize(models.Model):
    """Catalogue: a number of vouchers a booklet may hold (« titres par carnet »)."""

    vouchers = models.PositiveSmallIntegerField("titres par carnet", unique=True)
    is_active = models.BooleanField("proposé", default=True)

    class Meta:
        verbose_name = "format de carnet"
        verbose_name_plural = "formats de carnet"
        ordering = ["vouchers"]

    def __str__(self):
        return f"{self.vouchers} titres"


class Vintage(models.Model):
    """« Millésime »: titles of `year` are usable until 31 January of the next year
    (`valid_until`, which staff may change) and ordered from 1 December of the year
    before; which millésime a delivery carries is `cesu_orders.vintages`."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    valid_until = models.DateField("utilisable jusqu'au")

    class Meta:
        verbose_name = "millésime"
        verbose_name_plural = "millésimes"
        ordering = ["-year"]

    def __str__(self):
        return f"Millésime {self.year}"


class ServiceFees(models.Model):
    """The service fees excluding VAT; the row with the latest `valid_from` not after
    today applies. An order copies the amounts it used, so editing never alters it."""

    valid_from = models.DateField("applicables à partir du", unique=True)
    per_order = models.DecimalField("frais par commande (€ HT)", max_digits=8, decimal_places=2)
    per_booklet = models.DecimalField(
        "frais par carnet papier (€ HT)", max_digits=8, decimal_places=2
    )
    per_electronic_credit = models.DecimalField(
        "frais par crédit e-CESU (€ HT)", max_digits=8, decimal_places=2
    )
    standard_transport = models.DecimalField(
        "transport standard (€ HT)", max_digits=8, decimal_places=2
    )
    express_transport = models.DecimalField(
        "transport express (€ HT)", max_digits=8, decimal_places=2
    )
    vat_rate = models.DecimalField(
        "taux de TVA sur les frais (%)", max_digits=5, decimal_places=2, default=20
    )

    class Meta:
        verbose_name = "barème des frais de service"
        verbose_name_plural = "barèmes des frais de service"
        ordering = ["-valid_from"]

    def __str__(self):
        return f"Frais applicables à partir du {self.valid_from:%d/%m/%Y}"


class ExemptionCeiling(models.Model):
    """The yearly ceiling of the employer share per bénéficiaire exempt from social
    charges; above it the recap warns, it does not block."""

    year = models.PositiveSmallIntegerField("année", unique=True)
    amount = models.DecimalField("plafond (€)", max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = "plafond d'exonération"
        verbose_name_plural = "plafonds d'exonération"
        ordering = ["-year"]

    def __str__(self):
        return f"{self.year}\u00a0: {self.amount}\u00a0€"


class TermsOfSale(models.Model):
    """« Conditions Générales de Vente »: the latest published version is the one a manager
    accepts; each order keeps the version accepted."""

    version = models.CharField("version", max_length=20, unique=True)
    body = models.TextField("texte")
    published_at = models.DateTimeField("publiée le", null=True, blank=True)

    class Meta:
        verbose_name = "conditions générales de vente"
        verbose_name_plural = "conditions générales de vente"
        ordering = ["-published_at"]

    def __str__(self):
        return f"CGV version {self.version}"
