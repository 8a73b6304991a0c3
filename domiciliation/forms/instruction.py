"""The domiciliataire instructs a case: the case list filter, the proof review
(« Mettre à jour »), the offer, the « classement sans suite » and the contract clauses."""

from django import forms

from directory.models import ProviderCentre

from ..models import INVALIDATION_REASONS, Case, CaseStatus, ContractTemplate, ProofReview
from ..services.instruction import ReviewDecision

OTHER_REASON = "autre"
# « Document illisible : le verso manque ».
REASON_JOINER = "\u00a0: "
# The typed text fits beside the longest listed reason in ProofReview.reason.
OTHER_MAX_LENGTH = 300 - max(map(len, INVALIDATION_REASONS)) - len(REASON_JOINER)
DECISIONS = [
    (ProofReview.State.VALIDATED, "Validé"),
    (ProofReview.State.INVALIDATED, "Invalidé"),
]


class CaseFilterForm(forms.Form):
    statut = forms.ChoiceField(
        label="Statut", choices=[("", "Tous les statuts"), *CaseStatus.choices], required=False
    )
    q = forms.CharField(
        label="Entreprise ou représentant",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ProofReviewForm(forms.Form):
    """One state, reason and typed reason per proof shown; the fields are named after the
    proof version, so a form shown before the company replaced a proof is detected."""

    def __init__(self, *args, reviews: list[ProofReview], **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for review in reviews:
            if review.proof is None:
                self.rows.append({"review": review})
                continue
            key = review.proof.public_id
            initial_reason, initial_other = self._initial_reason(review.reason)
            self.fields[f"etat-{key}"] = forms.ChoiceField(
                label=f"État de «\u00a0{review.proof_type}\u00a0»",
                choices=DECISIONS,
                widget=forms.RadioSelect,
                required=False,
                initial=review.state if review.state in dict(DECISIONS) else None,
            )
            self.fields[f"motif-{key}"] = forms.ChoiceField(
                label="Motif de l’invalidation",
                choices=[
                    ("", "Choisir un motif"),
                    *((reason, reason) for reason in INVALIDATION_REASONS),
                    (OTHER_REASON, "Autre motif (à préciser)"),
                ],
                required=False,
                initial=initial_reason,
            )
            self.fields[f"autre-{key}"] = forms.CharField(
                label="Autre motif ou précision",
                max_length=OTHER_MAX_LENGTH,
                required=False,
                initial=initial_other,
                help_text="Le client lit ce texte avec le motif choisi.",
            )
            self.rows.append(
                {
                    "review": review,
                    "state": self[f"etat-{key}"],
                    "reason": self[f"motif-{key}"],
                    "other": self[f"autre-{key}"],
                }
            )

    @staticmethod
    def _initial_reason(reason: str) -> tuple[str, str]:
        """The saved reason split back into the listed one and the typed text."""
        if not reason:
            return "", ""
        for listed in INVALIDATION_REASONS:
            if reason == listed:
                return listed, ""
            if reason.startswith(listed + REASON_JOINER):
                return listed, reason[len(listed + REASON_JOINER) :]
        return OTHER_REASON, reason

    def posted_proof_ids(self) -> set[str]:
        """Every proof the posted form speaks of, known to this form or not."""
        return {name[len("etat-") :] for name in self.data if name.startswith("etat-")}

    @property
    def decidable_rows(self) -> list[dict]:
        """The rows with a proof to decide on (a missing proof has nothing to review)."""
        return [row for row in self.rows if "state" in row]

    def clean(self):
        cleaned = super().clean()
        for row in self.decidable_rows:
            key = row["review"].proof.public_id
            if cleaned.get(f"etat-{key}") != ProofReview.State.INVALIDATED:
                continue
            reason = cleaned.get(f"motif-{key}")
            other = (cleaned.get(f"autre-{key}") or "").strip()
            if not reason or (reason == OTHER_REASON and not other):
                self.add_error(
                    f"motif-{key}" if not reason else f"autre-{key}",
                    "Indiquez le motif de l’invalidation.",
                )
        return cleaned

    def decisions(self) -> list[ReviewDecision]:
        """The states chosen (a proof left without a choice keeps its state)."""
        decisions = []
        for row in self.decidable_rows:
            key = row["review"].proof.public_id
            state = self.cleaned_data.get(f"etat-{key}")
            if not state:
                continue
            reason = self.cleaned_data.get(f"motif-{key}") or ""
            other = (self.cleaned_data.get(f"autre-{key}") or "").strip()
            if reason == OTHER_REASON:
                reason = other
            elif reason and other:
                # A listed reason with a precision typed beside it: the client reads both.
                reason = f"{reason}{REASON_JOINER}{other}"
            decisions.append(ReviewDecision(proof_id=str(key), state=state, reason=reason))
        # A proof posted that this form does not know: the service says why (replaced
        # meanwhile, or not part of the case).
        known = {str(row["review"].proof.public_id) for row in self.decidable_rows}
        for proof_id in sorted(self.posted_proof_ids() - known):
            decisions.append(
                ReviewDecision(proof_id=proof_id, state=self.data.get(f"etat-{proof_id}", ""))
            )
        return decisions


class OfferForm(forms.ModelForm):
    class Meta:
        model = Case
        fields = ["centre", "monthly_price", "billing_months", "setup_fee", "duration_months"]
        labels = {
            "centre": "Centre de domiciliation",
            "monthly_price": "Prix mensuel HT (€)",
            "setup_fee": "Frais de dossier HT (€)",
            "duration_months": "Durée initiale (mois)",
        }
        help_texts = {
            "billing_months": "Le premier paiement couvre une période d’avance.",
            "setup_fee": "0 si vous n’en facturez pas.",
            "duration_months": "Trois mois au moins, puis reconduction tacite.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["centre"].queryset = ProviderCentre.objects.filter(
            provider_id=self.instance.provider_id
        ).order_by("postcode", "name")
        # No centre chosen yet (several to choose from): none is preselected unseen.
        self.fields["centre"].empty_label = (
            None if self.instance.centre_id else "Choisissez le centre de domiciliation"
        )
        self.fields["centre"].required = True
        self.fields["monthly_price"].required = True
        self.fields["monthly_price"].localize = True
        self.fields["setup_fee"].localize = True
        for name in ("monthly_price", "setup_fee"):
            self.fields[name].widget = forms.TextInput(attrs={"inputmode": "decimal"})


class DismissForm(forms.Form):
    reason = forms.CharField(
        label="Motif du classement sans suite",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Le client lira ce motif dans son e-mail.",
        error_messages={"required": "Indiquez le motif du classement sans suite."},
    )


class ContractTemplateForm(forms.ModelForm):
    class Meta:
        model = ContractTemplate
        fields = ["clauses"]
        widgets = {"clauses": forms.Textarea(attrs={"rows": 24})}

    def clean_clauses(self):
        clauses = self.cleaned_data["clauses"].strip()
        if not clauses:
            raise forms.ValidationError("Écrivez au moins un article.")
        return clauses
