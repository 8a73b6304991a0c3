"""Demo data of the directory (`seed_demo`): the two demo domiciliataires' profiles and
a few more across France, all approved through the staff service."""

from datetime import date
from decimal import Decimal

from accounts.demo import PROVIDER2_NAME, PROVIDER_NAME
from accounts.models import Organization, User

from .models import Department, Provider, ProviderCentre, Region
from .reference import load_reference_data
from .services.profiles import centre_save, provider_approve, provider_save, provider_submit

# organization, legal name, trade name, SIREN, approval, price, services, centres
PROVIDERS = [
    (PROVIDER_NAME, "Demo Domiciliation Paris SAS", "Demo Domiciliation Paris", "552100554",
     "DOM-75-2019-042", "29.00", ["mail_scan", "forwarding", "meeting_room", "company_creation"],
     [("Paris Opéra", "10 rue de la Paix", "75002", "Paris"),
      ("La Défense", "1 parvis de la Défense", "92800", "Puteaux")]),
    (PROVIDER2_NAME, "Rive Gauche Services SARL", "Domiciliation Rive Gauche", "542065479",
     "DOM-75-2021-108", "24.00", ["mail_scan", "phone", "office"],
     [("Saint-Germain", "45 boulevard Saint-Germain", "75005", "Paris")]),
    ("Lyon Affaires Domiciliation", "Lyon Affaires SAS", "", "542107651",
     "DOM-69-2020-017", "19.90", ["mail_scan", "forwarding"],
     [("Part-Dieu", "20 rue de la Villette", "69003", "Lyon")]),
    ("Forez Domiciliation", "Forez Domiciliation EURL", "", "552081317",
     "DOM-42-2018-005", "15.00", ["forwarding", "phone"],
     [("Centre-ville", "8 place Jean-Jaurès", "42000", "Saint-Étienne")]),
    ("Corse Bureaux", "Corse Bureaux SARL", "", "775670417",
     "DOM-2A-2022-003", "22.00", ["mail_scan", "meeting_room"],
     [("Ajaccio port", "2 quai L’Herminier", "20000", "Ajaccio")]),
    ("Réunion Entreprises", "Réunion Entreprises SAS", "", "312000003",
     "DOM-974-2023-011", "25.00", ["mail_scan", "company_creation"],
     [("Saint-Denis", "5 rue de Paris", "97400", "Saint-Denis")]),
]  # fmt: skip


PREFECTURES = {
    "75": "Préfecture de police de Paris",
    "69": "Préfecture du Rhône",
    "42": "Préfecture de la Loire",
    "2A": "Préfecture de la Corse-du-Sud",
    "974": "Préfecture de La Réunion",
}


def seed(log) -> None:
    load_reference_data(Region, Department)  # Idempotent; a flushed test database lacks it.
    staff = User.objects.get(username="staff@demo.example")
    for org_name, legal, trade, siren, approval, price, services, centres in PROVIDERS:
        organization, _ = Organization.objects.get_or_create(
            name=org_name, defaults={"kind": Organization.Kind.PROVIDER}
        )
        if Provider.objects.filter(organization=organization).exists():
            continue
        provider = Provider(
            organization=organization,
            legal_name=legal,
            trade_name=trade,
            siren=siren,
            approval_number=approval,
            # The demo's own provider: an approval expiring within 6 months (its alert);
            # the oldest approvals of the others have expired (their public page says so).
            approval_date=date(2021 if org_name == PROVIDER_NAME else int(approval[-8:-4]), 3, 15),
            approval_prefecture=PREFECTURES[approval.split("-")[1]],
            description=f"{trade or legal} domicilie le siège social de votre entreprise et "
            "gère votre courrier.",
            price_from=Decimal(price),
            **dict.fromkeys(services, True),
        )
        provider_save(provider=provider, changed=[])
        for name, address, postcode, city in centres:
            centre_save(
                centre=ProviderCentre(
                    provider=provider,
                    name=name,
                    address=address,
                    postcode=postcode,
                    city=city,
                    opening_hours="Du lundi au vendredi, 9\u00a0h – 18\u00a0h",
                )
            )
        provider_submit(provider=provider)
        provider_approve(provider=provider, reviewer=staff)
    log(f"Annuaire\u00a0: {Provider.objects.listed().count()} domiciliataires référencés.")
