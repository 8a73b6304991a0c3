"""The catalogue shipped with the portal; staff change it in the admin afterwards."""

from datetime import UTC, date, datetime
from decimal import Decimal

USAGE_CATEGORIES = [
    ("services-domicile", "Services à la personne à domicile", 1),
    ("garde-enfants", "Garde d’enfants hors domicile", 2),
]
FACE_VALUES = [Decimal(v) for v in ("10.00", "12.00", "15.00", "20.00", "25.00", "30.00")]
BOOKLET_SIZES = [5, 10, 20]


def ensure_default_catalogue(usage_category_model, face_value_model, booklet_size_model) -> None:
    """Creates the default entries that are missing; takes the model classes so that a
    data migration can call it with its historical models."""
    for code, label, position in USAGE_CATEGORIES:
        usage_category_model.objects.get_or_create(
            code=code, defaults={"label": label, "position": position}
        )
    for amount in FACE_VALUES:
        face_value_model.objects.get_or_create(amount=amount)
    for vouchers in BOOKLET_SIZES:
        booklet_size_model.objects.get_or_create(vouchers=vouchers)


# Order catalogue: values staff edit in the admin afterwards.
VINTAGE_YEARS = [2024, 2025, 2026, 2027]
# The exemption ceiling of the employer share per bénéficiaire and calendar year.
EXEMPTION_CEILINGS = {
    2024: Decimal("2421.00"),
    2025: Decimal("2540.00"),
    2026: Decimal("2591.00"),
}
SERVICE_FEES = {
    "valid_from": date(2025, 1, 1),
    "per_order": Decimal("4.90"),
    "per_booklet": Decimal("0.45"),
    "per_electronic_credit": Decimal("0.35"),
    "standard_transport": Decimal("8.50"),
    "express_transport": Decimal("15.00"),
    "vat_rate": Decimal("20.00"),
}
# The terms of sale, each version as published: a version orders have accepted is never
# edited (staff publish a new one), so the first stays as it was.
TERMS_2026_01 = """\
Article 1 – Objet
Les présentes conditions générales de vente régissent les commandes de chèques emploi \
service universels préfinancés (CESU) passées en ligne par le financeur sur le portail.

Article 2 – Commande
La commande est ferme dès que le gestionnaire clique sur «\u00a0Valider la commande\u00a0» après \
avoir accepté les présentes conditions. Une confirmation de prise en charge est envoyée \
par e-mail. Toute demande de modification est adressée au service clients avant la \
fabrication des titres.

Article 3 – Prix et frais
La valeur faciale des titres n’est pas soumise à la TVA. Les frais de service (frais de \
commande, frais par carnet, frais de crédit e-CESU et frais de transport) sont facturés \
hors taxes et majorés de la TVA au taux en vigueur.

Article 4 – Facturation et paiement
La facture est émise à la prise en charge de la commande. Elle est payable par virement \
à 30 jours date de facture. Tout retard de paiement entraîne des pénalités au taux \
d’intérêt appliqué par la Banque centrale européenne majoré de 10 points et une \
indemnité forfaitaire de 40\u00a0€ pour frais de recouvrement (article L. 441-10 du Code de \
commerce).

Article 5 – Livraison
Les carnets papier sont livrés par colis sécurisé sous 5 jours ouvrés (transport \
standard) ou 4 jours ouvrés (transport express) à compter de la prise en charge, à la \
date choisie par le financeur. Les comptes e-CESU sont crédités à la date choisie.

Article 6 – Validité des titres
Les titres portent le millésime de l’année de livraison et sont valables jusqu’au \
31 janvier de l’année suivante.

Article 7 – Exonération
L’aide financière versée par l’employeur est exonérée de cotisations sociales et \
d’impôt sur le revenu dans la limite du plafond annuel fixé par la loi. Le financeur \
reste seul responsable du respect de ce plafond.

Article 8 – Données personnelles
Les données des bénéficiaires sont traitées uniquement pour l’émission et la livraison \
des titres, conformément au règlement général sur la protection des données.
"""

TERMS_2026_12 = """\
Article 1 – Objet
Les présentes conditions générales de vente régissent les commandes de chèques emploi \
service universels préfinancés (CESU) passées en ligne par le financeur sur le portail.

Article 2 – Commande
La commande est ferme dès que le gestionnaire clique sur « Valider la commande » après \
avoir accepté les présentes conditions. Une confirmation de prise en charge est envoyée \
par e-mail. Toute demande de modification est adressée au service clients avant la \
fabrication des titres.

Article 3 – Prix et frais
La valeur faciale des titres n’est pas soumise à la TVA. Les frais de service (frais de \
commande, frais par carnet, frais de crédit e-CESU et frais de transport) sont facturés \
hors taxes et majorés de la TVA au taux en vigueur.

Article 4 – Facturation et paiement
La facture est émise à la prise en charge de la commande. Elle est payable par virement \
à 30 jours date de facture. Tout retard de paiement entraîne des pénalités au taux \
d’intérêt appliqué par la Banque centrale européenne majoré de 10 points et une \
indemnité forfaitaire de 40\u00a0€ pour frais de recouvrement (article L. 441-10 du Code de \
commerce).

Article 5 – Livraison
Les carnets papier sont livrés par colis sécurisé sous 5 jours ouvrés (transport \
standard) ou 4 jours ouvrés (transport express) à compter de la prise en charge, à la \
date choisie par le financeur\u00a0; le transporteur et le numéro de suivi du colis sont \
communiqués par e-mail à l’expédition. Les comptes e-CESU sont crédités à la date \
choisie et chaque bénéficiaire en est informé par e-mail.

Article 6 – Millésime et validité des titres
Les titres du millésime N sont utilisables jusqu’au 31 janvier de l’année N+1. Le \
millésime N se commande à partir du 1er décembre de l’année N-1\u00a0: une commande livrée \
en décembre porte, au choix du financeur, le millésime de l’année en cours ou celui de \
l’année suivante\u00a0; une commande livrée à partir de janvier porte le millésime de \
l’année de livraison. La fin du mois de février de l’année N+1 est seulement la date \
limite à laquelle le Centre de remboursement du CESU rembourse les intervenants\u00a0: elle \
ne prolonge pas la durée d’utilisation des titres.

Article 7 – Exonération et obligations du financeur
L’aide financière versée par l’employeur est exonérée de cotisations sociales et \
d’impôt sur le revenu dans la limite d’un plafond annuel par bénéficiaire (2\u202f540\u00a0€ en \
2025, 2\u202f591\u00a0€ en 2026). Le financeur reste seul responsable du respect de ce plafond. \
Il remet chaque année à chaque bénéficiaire une attestation du nombre, du montant et \
de la part financée par l’employeur des CESU reçus (article D. 7233-8 du Code du \
travail), que le portail établit. L’aide ouvre droit pour l’entreprise au crédit \
d’impôt famille, égal à 25\u00a0% de son montant (article 244 quater F du Code général des \
impôts), dans la limite de 500\u202f000\u00a0€ par an et par entreprise.

Article 8 – Données personnelles
Les données des bénéficiaires sont traitées uniquement pour l’émission et la livraison \
des titres, l’envoi de leur attestation annuelle et l’avis de crédit de leur compte \
e-CESU, conformément au règlement général sur la protection des données.
"""

TERMS = [
    ("2026-01", TERMS_2026_01, datetime(2026, 1, 1, tzinfo=UTC)),
    # 1 December 2026 00:00 in Paris: the millésime and yearly-obligation articles.
    ("2026-12", TERMS_2026_12, datetime(2026, 11, 30, 23, 0, tzinfo=UTC)),
]


def ensure_order_catalogue(get_model) -> None:
    """Creates the vintages, exemption ceilings, service fees and terms of sale that are
    missing. `get_model(name)` returns the model class, historical in a migration."""
    vintage = get_model("Vintage")
    for year in VINTAGE_YEARS:
        vintage.objects.get_or_create(year=year, defaults={"valid_until": date(year + 1, 1, 31)})
    ceiling = get_model("ExemptionCeiling")
    for year, amount in EXEMPTION_CEILINGS.items():
        ceiling.objects.get_or_create(year=year, defaults={"amount": amount})
    fees = get_model("ServiceFees")
    if not fees.objects.exists():
        fees.objects.create(**SERVICE_FEES)
    terms = get_model("TermsOfSale")
    for version, body, published_at in TERMS:
        terms.objects.get_or_create(
            version=version, defaults={"body": body, "published_at": published_at}
        )
