"""The anti-money-laundering vigilance a domiciliataire owes (Code monétaire et
financier L561-2 15°, L561-4-1 and following): each client's risk assessed from stated
criteria, its level, the measures it implies and the next review. The rule alone lives
here; services record it."""

from datetime import date

LOW, MEDIUM, HIGH = "faible", "moyen", "eleve"
LEVELS = ((LOW, "Faible"), (MEDIUM, "Moyen"), (HIGH, "Élevé"))

# Each criterion: (field, the question asked, whether « oui » is the risky answer).
CRITERIA = (
    ("risky_activity", "Activité à risque (secteur exposé au blanchiment)", True),
    ("risky_country", "Lien avec un pays à risque (liste du GAFI ou de l’Union européenne)", True),
    (
        "owners_unclear",
        "Bénéficiaires effectifs (plus de 25\u00a0%) non identifiés ou opaques",
        True,
    ),
    ("politically_exposed", "Personne politiquement exposée (dirigeant ou bénéficiaire)", True),
    ("cash_intensive", "Activité utilisant beaucoup d’espèces", True),
    ("documents_inconsistent", "Incohérence entre les justificatifs et les déclarations", True),
)

MEASURES = {
    LOW: "Vigilance standard\u00a0: identité du représentant et des bénéficiaires effectifs "
    "vérifiée, justificatifs conservés, revue tous les 3 ans.",
    MEDIUM: "Vigilance renforcée sur les points relevés\u00a0: justificatifs complémentaires "
    "demandés, suivi du courrier et des changements, revue tous les 3 ans.",
    HIGH: "Vigilance renforcée\u00a0: origine des fonds et activité réelle vérifiées, accord "
    "d’un administrateur, suivi rapproché, revue chaque année\u00a0; envisager une "
    "déclaration de soupçon à Tracfin si le doute persiste.",
}

REVIEW_YEARS = {LOW: 3, MEDIUM: 3, HIGH: 1}


def risk_level(answers: dict[str, bool]) -> str:
    """Élevé with a politically exposed person, opaque owners or inconsistent documents,
    or with two risk factors or more; moyen with one; faible with none."""
    risky = [name for name, _, bad in CRITERIA if answers.get(name) is bad]
    if {"politically_exposed", "owners_unclear", "documents_inconsistent"} & set(risky):
        return HIGH
    if len(risky) >= 2:
        return HIGH
    return MEDIUM if risky else LOW


def next_review(assessed_on: date, level: str) -> date:
    years = REVIEW_YEARS[level]
    try:
        return assessed_on.replace(year=assessed_on.year + years)
    except ValueError:
        return assessed_on.replace(year=assessed_on.year + years, day=28)
