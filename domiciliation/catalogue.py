"""The proof types staff start with; they edit them in the admin afterwards."""

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


def ensure_proof_types(proof_type_model) -> None:
    for position, (code, label, requirement, help_text) in enumerate(PROOF_TYPES, start=1):
        proof_type_model.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "requirement": requirement,
                "help_text": help_text,
                "position": position,
            },
        )
