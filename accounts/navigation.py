"""The menus of the portal, with the paths the product documents teach: « Espace
Commandes » › « Commandes », « Données financeur » › « Bénéficiaires », « Profil
gestionnaire » › « Coordonnées ». One menu per kind of user; the section of the page
shown is open, its links on a second row."""

from dataclasses import dataclass
from fnmatch import fnmatch

from django.urls import reverse


@dataclass(frozen=True)
class Entry:
    """A link of the menu; `pages` are the view names (glob patterns) it stands for."""

    label: str
    view: str
    pages: tuple[str, ...] = ()
    children: tuple["Entry", ...] = ()
    only_for: str = ""  # a Membership property the link needs (« is_primary_manager »)

    def matches(self, view_name: str) -> bool:
        patterns = self.pages or (self.view,)
        return any(fnmatch(view_name, pattern) for pattern in patterns) or any(
            child.matches(view_name) for child in self.children
        )


FUNDER_MENU = (
    Entry(
        "Espace Commandes",
        "cesu_orders:home",
        children=(
            Entry("Accueil", "cesu_orders:home"),
            Entry(
                "Commandes",
                "cesu_orders:order_list",
                pages=(
                    "cesu_orders:order_*",
                    "cesu_orders:invoice_download",
                    "cesu_orders:terms_of_sale",
                ),
            ),
        ),
    ),
    Entry(
        "Données financeur",
        "cesu_orders:beneficiary_list",
        children=(
            Entry("Bénéficiaires", "cesu_orders:beneficiary_list", ("cesu_orders:beneficiary_*",)),
            Entry(
                "Obligations annuelles",
                "cesu_orders:attestations",
                (
                    "cesu_orders:attestations*",
                    "cesu_orders:ceiling_list",
                    "cesu_orders:aid_statement*",
                    "cesu_orders:accounting_export*",
                    "cesu_orders:job_status",
                ),
            ),
        ),
    ),
    Entry(
        "Profil gestionnaire",
        "cesu_orders:profile_edit",
        children=(
            Entry("Coordonnées", "cesu_orders:profile_edit"),
            Entry(
                "Gestionnaires",
                "cesu_orders:manager_list",
                ("cesu_orders:manager_*",),
                only_for="is_primary_manager",
            ),
        ),
    ),
    Entry("Documents utiles", "cesu_orders:document_list", ("cesu_orders:document_*",)),
    Entry("Besoin d’aide\u00a0?", "cesu_orders:help", ("cesu_orders:help*",)),
)
PROVIDER_MENU = (
    Entry("Tableau de bord", "domiciliation_provider:dashboard"),
    Entry("Dossiers", "domiciliation_provider:case_list", ("domiciliation_provider:case*",)),
    Entry(
        "Contrats",
        "domiciliation_provider:contract_list",
        (
            "domiciliation_provider:contract_list",
            "domiciliation_provider:contract_unpaid",
            "domiciliation_provider:contract_detail",
            "domiciliation_provider:contract_transfer",
            "domiciliation_provider:contract_invoice_cancel",
            "domiciliation_provider:contract_terms",
            "domiciliation_provider:contract_terminate",
            "domiciliation_provider:greffe*",
            "domiciliation_provider:credit_note*",
        ),
    ),
    Entry("Courrier", "mail_provider:home", ("mail_provider:*",)),
    Entry(
        "Déclarations",
        "domiciliation_provider:declarations",
        ("domiciliation_provider:declaration*",),
        only_for="is_provider_admin",
    ),
    Entry("Équipe", "domiciliation_provider:team", only_for="is_provider_admin"),
    Entry(
        "Ma fiche annuaire",
        "directory_provider:profile",
        ("directory_provider:*",),
        only_for="is_provider_admin",
    ),
    Entry("Annuaire", "directory:home", ("directory:*",)),
)
COMPANY_MENU = (
    Entry("Mon espace", "home"),
    Entry("Mes dossiers", "domiciliation:dashboard", ("domiciliation:*",)),
    Entry("Mon courrier", "mail:inbox", ("mail:*",)),
    Entry("Annuaire", "directory:home", ("directory:*",)),
)


@dataclass(frozen=True)
class Link:
    label: str
    url: str
    current: bool
    children: tuple["Link", ...] = ()


def _menu(organization) -> tuple[Entry, ...]:
    if organization is None:
        return COMPANY_MENU
    return FUNDER_MENU if organization.is_funder else PROVIDER_MENU


def _allowed(entry: Entry, membership) -> bool:
    return not entry.only_for or bool(getattr(membership, entry.only_for, False))


def _link(entry: Entry, view_name: str, membership) -> Link:
    return Link(
        label=entry.label,
        url=reverse(entry.view),
        current=entry.matches(view_name),
        children=tuple(
            _link(child, view_name, membership)
            for child in entry.children
            if _allowed(child, membership)
        ),
    )


def menu(request) -> list[Link]:
    """The menu of the user of `request`, with the current section and page marked."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else ""
    membership = getattr(request, "membership", None)
    entries = _menu(getattr(request, "organization", None))
    return [_link(entry, view_name, membership) for entry in entries if _allowed(entry, membership)]
