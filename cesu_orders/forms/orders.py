"""Reading the order table's POST. The table posts one value per line for each column
(parallel lists, in table order), so that 2,000 lines cost no form object per cell."""

from dataclasses import dataclass, field
from datetime import date

from django import forms

from common.text import parse_count

from ..delivery_calendar import TransportMode
from ..models import DeliveryAddress, DeliveryTarget
from ..selectors import Catalogue, TableBeneficiary
from ..services.cart import DeliveryChoice, DraftLine, default_line, parse_line

COLUMNS = ["category", "format", "booklets", "per_booklet", "face_value", "share"]
# More lines than this per active bénéficiaire is not a manager typing.
MAX_LINES_PER_BENEFICIARY = 10

STALE_TABLE = (
    "{count} ligne(s) concernaient un bénéficiaire archivé ou inconnu et ont été retirées"
    "\u00a0: vérifiez le tableau avant de continuer."
)
BROKEN_TABLE = "Le tableau envoyé est incomplet. Rechargez la page et recommencez votre saisie."


@dataclass(kw_only=True)
class TableSubmission:
    lines: list[DraftLine]
    delivery: DeliveryChoice
    version: int
    problems: list[str] = field(default_factory=list)
    delivery_errors: dict[str, str] = field(default_factory=dict)

    @property
    def line_errors(self) -> list[str]:
        return [error for line in self.lines for error in line.errors]


def parse_table(
    data,
    *,
    beneficiaries: list[TableBeneficiary],
    addresses: dict[int, DeliveryAddress],
    catalogue: Catalogue,
) -> TableSubmission:
    """The lines, delivery choices and cart version posted by the order table. Lines of a
    bénéficiaire unknown to this financeur or archived meanwhile are dropped with a
    message; active bénéficiaires missing from the post (added meanwhile) get their usual
    line with no booklet (the manager has not seen them); the lines keep the table's
    alphabetical order."""
    ids = data.getlist("beneficiary")
    columns = {name: data.getlist(name) for name in COLUMNS}
    problems = []
    if (
        any(len(values) != len(ids) for values in columns.values())
        or len(ids) > max(1, len(beneficiaries)) * MAX_LINES_PER_BENEFICIARY
    ):
        problems.append(BROKEN_TABLE)
        ids = []
    by_id = {str(beneficiary.public_id): beneficiary for beneficiary in beneficiaries}
    posted: dict[int, list[DraftLine]] = {}
    dropped = 0
    for index, public_id in enumerate(ids):
        beneficiary = by_id.get(public_id)
        if beneficiary is None:
            dropped += 1
            continue
        raw = {name: columns[name][index] for name in COLUMNS}
        posted.setdefault(beneficiary.pk, []).append(parse_line(beneficiary, raw, catalogue))
    if dropped:
        problems.append(STALE_TABLE.format(count=dropped))
    lines = []
    for beneficiary in beneficiaries:
        lines.extend(
            posted.get(beneficiary.pk) or [default_line(beneficiary, usual_booklets=False)]
        )
    delivery, delivery_errors = _parse_delivery(data, addresses)
    return TableSubmission(
        lines=lines,
        delivery=delivery,
        version=_parse_version(data.get("cart_version")),
        problems=problems,
        delivery_errors=delivery_errors,
    )


def _parse_version(text: str | None) -> int:
    version = parse_count(text)
    return -1 if version is None else version


def _parse_delivery(data, addresses: dict[int, DeliveryAddress]):
    errors = {}
    delivery = DeliveryChoice(transport_mode=data.get("transport_mode", ""))
    target = data.get("delivery", "")
    if target == DeliveryTarget.HOMES:
        delivery.target = DeliveryTarget.HOMES
    elif target.startswith("address-"):
        pk = target.removeprefix("address-")
        address = addresses.get(parse_count(pk))
        if address is None:
            errors["delivery"] = "Choisissez une des adresses de livraison proposées."
        else:
            delivery.target, delivery.address = DeliveryTarget.ADDRESS, address
    elif target:
        errors["delivery"] = "Choisissez une des adresses de livraison proposées."
    if delivery.transport_mode and delivery.transport_mode not in TransportMode.values:
        errors["transport_mode"] = "Choisissez un mode de transport proposé."
        delivery.transport_mode = ""
    raw_date = data.get("delivery_date", "")
    if raw_date:
        try:
            delivery.date = date.fromisoformat(raw_date)
        except ValueError:
            errors["delivery_date"] = "Choisissez la date de livraison à l’aide du calendrier."
    return delivery, errors


class RecapForm(forms.Form):
    """« Valider la commande »: the terms ticked, for the cart version shown."""

    accept_terms = forms.BooleanField(
        label="J’ai lu et j’accepte les Conditions Générales de Vente",
        error_messages={
            "required": "Cochez les Conditions Générales de Vente pour valider la commande."
        },
    )
    cart_version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    terms_version = forms.CharField(widget=forms.HiddenInput, max_length=20)
    # The millésime shown on the recap (`?millesime=`); empty: the delivery year's.
    vintage_year = forms.IntegerField(
        widget=forms.HiddenInput, required=False, min_value=2000, max_value=2999
    )


class OrderFilterForm(forms.Form):
    """The history's filters; an invalid value is ignored rather than an error page."""

    annee = forms.TypedChoiceField(label="Année", required=False, coerce=int, empty_value=None)
    statut = forms.ChoiceField(label="Statut", required=False)

    def __init__(self, *args, years: list[int], statuses, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["annee"].choices = [("", "Toutes")] + [(y, str(y)) for y in years]
        self.fields["statut"].choices = [("", "Tous")] + list(statuses)
