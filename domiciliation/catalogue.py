"""The proof types and the default contract clauses staff start with; they edit them in
the admin afterwards."""

from pathlib import Path

PROOF_TYPES = [
    ("identite", "Pièce d’identité du représentant légal", "required",
     "Carte d’identité ou passeport en cours de validité, recto et verso."),
    ("domicile", "Justificatif de domicile du représentant de moins de 3 mois", "required",
     "Facture d’électricité, de gaz, d’eau ou de téléphone fixe, avis d’imposition."),
    ("kbis", "Extrait Kbis de moins de 3 mois", "required_if_existing",
     "Obligatoire pour une société immatriculée, facultatif pour une société en création."),
    ("statuts", "Statuts", "optional", "Projet de statuts ou statuts signés."),
    ("procuration", "Procuration postale", "optional",
     "Procuration permettant au domiciliataire de réceptionner votre courrier."),
]  # fmt: skip


# The gender and number of each label, to agree « validé » with it (masculine singular
# otherwise).
PROOF_TYPE_GRAMMAR = {"identite": "fs", "statuts": "mp", "procuration": "fs"}


def ensure_proof_types(proof_type_model) -> None:
    """Creates the proof types that do not exist. Also called by an early migration,
    whose historical model may not have every field yet."""
    has_grammar = any(field.name == "grammar" for field in proof_type_model._meta.fields)
    for position, (code, label, requirement, help_text) in enumerate(PROOF_TYPES, start=1):
        defaults = {
            "label": label,
            "requirement": requirement,
            "help_text": help_text,
            "position": position,
        }
        if has_grammar:
            defaults["grammar"] = PROOF_TYPE_GRAMMAR.get(code, "ms")
        proof_type_model.objects.get_or_create(code=code, defaults=defaults)


# The default clauses of the domiciliation contract, one article per paragraph (Code de
# commerce, art. R123-168 to R123-171). Parties, address, services, price and duration
# come from the case.
DEFAULT_CONTRACT_CLAUSES = (Path(__file__).parent / "data" / "default_contract.txt").read_text(
    encoding="utf-8"
)


def ensure_default_contract_template(contract_template_model) -> None:
    if not contract_template_model.objects.filter(provider__isnull=True).exists():
        contract_template_model.objects.create(provider=None, clauses=DEFAULT_CONTRACT_CLAUSES)
