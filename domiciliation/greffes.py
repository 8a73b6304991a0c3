"""Which greffe a notice about a domiciled company goes to: the one of the court that
keeps the trade register of its seat (the domiciliataire's centre). The portal names it
from the seat's département where the law makes that certain, and otherwise names the
seat the greffe is competent for (a département may have several commercial courts)."""

# Alsace-Moselle: the commercial chamber of the tribunal judiciaire keeps the register.
ALSACE_MOSELLE = {"57", "67", "68"}
# Overseas: mixed commercial courts.
OVERSEAS = {"971", "972", "973", "974", "976"}


def greffe_of(centre) -> str:
    """The greffe of a seat at `centre` (a ProviderCentre with its département)."""
    if centre is None:
        return "Greffe du tribunal de commerce dont relève le siège domicilié"
    code = centre.department.code if centre.department_id else centre.postcode[:2]
    if code == "75":
        return "Greffe du tribunal des activités économiques de Paris"
    if code in ALSACE_MOSELLE:
        return (
            "Greffe de la chambre commerciale du tribunal judiciaire compétent pour "
            f"{centre.city} ({centre.department.name})"
        )
    if code in OVERSEAS:
        return f"Greffe du tribunal mixte de commerce compétent pour {centre.city}"
    return f"Greffe du tribunal de commerce compétent pour {centre.city} ({centre.department.name})"
