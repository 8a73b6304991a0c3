"""Demo data of the CESU space (`seed_demo`): the « Demo Industries » financeur profile,
its latest invoices (registration checks against them) and a few news items."""

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.apps import apps
from django.utils import timezone

from accounts.demo import FUNDER_NAME
from accounts.models import Membership, Organization, User
from common.money import format_euros
from common.text import fold

from .carriers import Carrier
from .catalogue import ensure_default_catalogue, ensure_order_catalogue
from .delivery_calendar import TransportMode, add_business_days, earliest_delivery_date
from .demo_documents import seed_documents
from .models import (
    Beneficiary,
    BookletSize,
    Cart,
    DeliveryAddress,
    DeliveryTarget,
    FaceValue,
    Funder,
    Invoice,
    NewsItem,
    Order,
    OrderEvent,
    UsageCategory,
    Vintage,
    VoucherFormat,
)
from .selectors import terms_of_sale_current
from .services.beneficiaries import beneficiary_create
from .services.cart import DeliveryChoice, cart_save, default_line
from .services.orders import (
    order_cancel,
    order_mark_delivered,
    order_mark_manufactured,
    order_mark_shipped,
    order_place,
)
from .vintages import usable_until

PARIS = ZoneInfo("Europe/Paris")

# Past orders (placed, made, shipped and delivered): the history, the invoices that
# registration checks against, and « Rappeler ma dernière commande ».
PAST_ORDERS = [date(2026, 1, 8), date(2026, 4, 2), date(2026, 7, 3), date(2026, 10, 5)]
# Last year's, whatever the year the demo is loaded in: the year just ended of the
# attestations and the aid statement. The December one carries the next millésime.
LAST_YEAR_ORDERS = [date(2000, 2, 3), date(2000, 5, 4), date(2000, 9, 7), date(2000, 12, 1)]
# This year, booklets of 20 titles of 20 € at 50 % (200 € of employer share each) for
# three bénéficiaires: over, and near, the exemption ceiling.
NEAR_CEILING = {"Martin": 12, "Bernard": 10, "Thomas": 11}

DELIVERY_ADDRESSES = [
    ("Siège", "Service des ressources humaines", "12 rue des Ateliers", "69007", "Lyon"),
    ("Usine de Metz", "Accueil de l’usine", "4 rue du Pont", "57000", "Metz"),
]

NEWS = [
    (
        "Attestations annuelles et relevé des aides",
        "À partir du 1er janvier, établissez en un clic l’attestation annuelle de chacun de "
        "vos bénéficiaires (article D.\u00a07233-8 du Code du travail) et envoyez-la-lui par "
        "e-mail. Le relevé des aides versées indique le crédit d’impôt famille qu’elles "
        "ouvrent\u00a0: 25\u00a0% de l’aide, dans la limite de 500\u202f000\u00a0€ par an.",
        datetime(2026, 12, 1, 9, 0, tzinfo=PARIS),
    ),
    (
        "Le millésime 2027 arrive",
        "Les CESU du millésime 2027 se commandent depuis le 1er décembre 2026\u00a0: une "
        "commande livrée en décembre peut déjà le porter. Les titres du millésime 2026 restent "
        "utilisables jusqu’au 31 janvier 2027\u00a0; la fin février n’est que la date limite "
        "de remboursement des intervenants par le CRCESU.",
        datetime(2026, 11, 16, 9, 0, tzinfo=PARIS),
    ),
    (
        "Plafond d’exonération 2026",
        "L’aide versée par l’employeur est exonérée de charges sociales et d’impôt dans la "
        "limite de 2\u00a0591\u00a0€ par bénéficiaire et par an en 2026.",
        datetime(2026, 2, 2, 9, 0, tzinfo=PARIS),
    ),
]

# « S'inscrire en ligne » sends the temporary password to this address only (the README
# gives it, with C100002's invoice and its amount).
DEMO_TRANSPORTS_CONTACT = "contact@demo-transports.example"


# 30 bénéficiaires: (civility, last name, first name).
BENEFICIARIES = [
    ("mme", "Martin", "Émilie"), ("m", "Bernard", "Lucas"), ("mme", "Thomas", "Chloé"),
    ("m", "Petit", "Hugo"), ("mme", "Robert", "Léa"), ("m", "Richard", "Gabriel"),
    ("mme", "Durand", "Manon"), ("m", "Dubois", "Louis"), ("mme", "Moreau", "Camille"),
    ("m", "Laurent", "Arthur"), ("mme", "Simon", "Inès"), ("m", "Michel", "Jules"),
    ("mme", "Lefèvre", "Sarah"), ("m", "Leroy", "Nathan"), ("mme", "Roux", "Jade"),
    ("m", "David", "Raphaël"), ("mme", "Bertrand", "Louise"), ("m", "Morel", "Adam"),
    ("mme", "Fournier", "Alice"), ("m", "Girard", "Théo"), ("mme", "Bonnet", "Lina"),
    ("m", "Dupont", "Maël"), ("mme", "Lambert", "Rose"), ("m", "Fontaine", "Noé"),
    ("mme", "Rousseau", "Ambre"), ("m", "Vincent", "Paul"), ("mme", "Muller", "Anna"),
    ("m", "Lefebvre", "Sacha"), ("mme", "Faure", "Zoé"), ("m", "Étienne", "Tom"),
]  # fmt: skip


def seed(log) -> None:
    organization = Organization.objects.get(name=FUNDER_NAME)
    ensure_default_catalogue(UsageCategory, FaceValue, BookletSize)
    funder, _ = Funder.objects.get_or_create(
        organization=organization,
        defaults={
            "client_reference": "C100001",
            "legal_name": "Demo Industries SAS",
            "siret": "73282932000074",
            "billing_address": "12 rue des Ateliers",
            "billing_postcode": "69007",
            "billing_city": "Lyon",
            "customer_service_email": "service-clients@cesu.example",
            "contact_email": "gestion@demo-industries.example",
            "customer_service_phone": "0820202001",
        },
    )
    ensure_order_catalogue(lambda name: apps.get_model("cesu_orders", name))
    # The demo can be run any year: the calendar offers up to three months ahead.
    this_year = timezone.localdate().year
    for year in (this_year - 1, this_year, this_year + 1):
        Vintage.objects.get_or_create(year=year, defaults={"valid_until": usable_until(year)})
    for label, recipient, address, postcode, city in DELIVERY_ADDRESSES:
        DeliveryAddress.objects.get_or_create(
            organization=organization,
            label=label,
            defaults={
                "recipient": recipient,
                "address": address,
                "postcode": postcode,
                "city": city,
            },
        )
    for title, body, published_at in NEWS:
        NewsItem.objects.get_or_create(
            title=title, defaults={"body": body, "published_at": published_at}
        )
    seed_documents(log)
    _seed_beneficiaries(organization)
    manager = Membership.objects.get(organization=organization, role=Membership.Role.PRIMARY).user
    _seed_past_orders(organization, manager=manager, dates=PAST_ORDERS)
    seed_unregistered_funder(log)
    # After Demo Transports: its invoice keeps the number the README gives.
    _seed_last_year(organization, manager=manager)
    _seed_near_ceiling(organization, manager=manager)
    log(f"Financeur {funder} prêt, avec ses commandes, factures et les actualités.")


def _seed_beneficiaries(organization) -> None:
    if Beneficiary.objects.for_organization(organization).exists():
        return
    categories = list(UsageCategory.objects.order_by("position"))
    for index, (civility, last_name, first_name) in enumerate(BENEFICIARIES, start=1):
        electronic = index % 4 == 0
        beneficiary_create(
            organization=organization,
            fields={
                "civility": civility,
                "last_name": last_name,
                "first_name": first_name,
                "email": f"{_ascii(first_name)}.{_ascii(last_name)}@demo-industries.example",
                "address": f"{index} rue de la République",
                "postcode": "69002",
                "city": "Lyon",
                "employee_number": f"M{index:04}",
                "usual_usage_category": categories[index % 3 == 0],
                "usual_format": VoucherFormat.ELECTRONIC if electronic else VoucherFormat.PAPER,
                "usual_face_value": Decimal("15.00") if index % 2 else Decimal("20.00"),
                "usual_employer_share": Decimal("50.00"),
                "usual_booklets": 1,
                "usual_vouchers_per_booklet": 10,
            },
        )


def seed_unregistered_funder(log) -> None:
    """« Demo Transports » (C100002): a financeur with no manager yet, whose customer
    service placed one order by phone; register it online with its invoice number."""
    organization, _ = Organization.objects.get_or_create(
        name="Demo Transports", kind=Organization.Kind.FUNDER
    )
    Funder.objects.get_or_create(
        organization=organization,
        defaults={
            "client_reference": "C100002",
            "legal_name": "Demo Transports SARL",
            "contact_email": DEMO_TRANSPORTS_CONTACT,
            "siret": "73282932000074",
            "billing_address": "3 quai du Port",
            "billing_postcode": "13002",
            "billing_city": "Marseille",
        },
    )
    # Databases seeded before the contact address existed get it too.
    Funder.objects.filter(organization=organization, contact_email="").update(
        contact_email=DEMO_TRANSPORTS_CONTACT
    )
    DeliveryAddress.objects.get_or_create(
        organization=organization,
        label="Siège",
        defaults={
            "recipient": "Direction",
            "address": "3 quai du Port",
            "postcode": "13002",
            "city": "Marseille",
        },
    )
    if not Beneficiary.objects.for_organization(organization).exists():
        category = UsageCategory.objects.order_by("position").first()
        for last_name, first_name in [("Garnier", "Léon"), ("Chevalier", "Nina")]:
            beneficiary_create(
                organization=organization,
                fields={
                    "civility": "m" if first_name == "Léon" else "mme",
                    "last_name": last_name,
                    "first_name": first_name,
                    "usual_usage_category": category,
                    "usual_face_value": Decimal("15.00"),
                    "usual_employer_share": Decimal("60.00"),
                    "usual_vouchers_per_booklet": 10,
                },
            )
    staff = User.objects.get(username="staff@demo.example")
    _seed_past_orders(organization, manager=staff, dates=[date(2026, 10, 20)], postcode="13002")
    invoice = Invoice.objects.for_organization(organization).first()
    log(
        f"Financeur Demo Transports (C100002) sans gestionnaire : facture {invoice.number} de "
        f"{format_euros(invoice.amount_incl_tax)} TTC, adresse de contact "
        f"{DEMO_TRANSPORTS_CONTACT}."
    )


def _seed_past_orders(organization, *, manager, dates, postcode="69007") -> None:
    """Places each past order through the real services, then dates it in the past."""
    if Order.objects.for_organization(organization).exists():
        return
    beneficiaries = list(Beneficiary.objects.for_organization(organization).active())
    for placed_on in dates:
        _past_order(
            organization,
            manager=manager,
            placed_on=placed_on,
            lines=[default_line(b) for b in beneficiaries],
            postcode=postcode,
        )


def _seed_last_year(organization, *, manager) -> None:
    """Last year's orders, so that « Attestations annuelles » and the « Relevé des aides
    versées » show the year just ended at once: four delivered (the December one of this
    year's millésime, ordered from 1 December), one cancelled by a credit note."""
    year = timezone.localdate().year - 1
    orders = Order.objects.for_organization(organization)
    if orders.filter(delivery_date__year=year).exists():
        return
    beneficiaries = list(Beneficiary.objects.for_organization(organization).active())
    usual = [default_line(b) for b in beneficiaries]
    for placed_on in LAST_YEAR_ORDERS:
        _past_order(
            organization,
            manager=manager,
            placed_on=placed_on.replace(year=year),
            lines=usual,
            vintage_year=year + 1 if placed_on.month == 12 else year,
        )
    cancelled = _past_order(
        organization,
        manager=manager,
        placed_on=date(year, 11, 2),
        lines=usual[:5],
        delivered=False,
    )
    order_cancel(order=cancelled, actor=_staff(manager), reason="Commande saisie en double.")
    Invoice.objects.filter(order=cancelled, kind=Invoice.Kind.CREDIT_NOTE).update(
        issue_date=date(year, 11, 3)
    )


def _seed_near_ceiling(organization, *, manager) -> None:
    """This year, three bénéficiaires near or over the exemption ceiling (« Plafond
    d'exonération »): big booklets for Martin, Bernard and Thomas."""
    today = timezone.localdate()
    if (
        Order.objects.for_organization(organization)
        .filter(lines__booklets__gte=10, delivery_date__year=today.year)
        .exists()
    ):
        return
    people = {
        b.last_name: b
        for b in Beneficiary.objects.for_organization(organization).filter(
            last_name__in=NEAR_CEILING
        )
    }
    lines = [
        replace(
            default_line(people[name]),
            booklets=booklets,
            vouchers_per_booklet=20,
            face_value=Decimal("20.00"),
        )
        for name, booklets in NEAR_CEILING.items()
    ]
    month_ago = today - timedelta(days=30)
    placed_on = month_ago if month_ago.year == today.year else today
    _past_order(organization, manager=manager, placed_on=placed_on, lines=lines)


def _staff(manager):
    return User.objects.filter(is_staff=True).first() or manager


def _past_order(
    organization, *, manager, placed_on, lines, postcode="69007", vintage_year=None,
    delivered=True,
):  # fmt: skip
    """One order placed through the real services, made, shipped and delivered (unless
    not `delivered`), then dated `placed_on`."""
    staff = _staff(manager)
    address = DeliveryAddress.objects.for_organization(organization).get(label="Siège")
    delivery = DeliveryChoice(
        target=DeliveryTarget.ADDRESS,
        address=address,
        transport_mode=TransportMode.STANDARD,
        date=earliest_delivery_date(
            today=timezone.localdate(), mode=TransportMode.STANDARD, postcode=postcode
        ),
    )
    cart = cart_save(
        organization=organization,
        user=manager,
        version=Cart.objects.filter(organization=organization)
        .values_list("version", flat=True)
        .first()
        or 0,
        lines=lines,
        delivery=delivery,
    )
    order = order_place(
        organization=organization,
        user=manager,
        version=cart.version,
        terms=terms_of_sale_current(),
    )
    delivered_on = add_business_days(placed_on, 5)
    if delivered:
        order_mark_manufactured(order=order, actor=staff, delivery_date=delivered_on)
        order_mark_shipped(
            order=order,
            actor=staff,
            tracking_number=f"6A{placed_on:%Y%m%d}001",
            carrier=Carrier.COLISSIMO,
        )
        order_mark_delivered(order=order, actor=staff)
    _backdate(order, placed_on, delivered_on, vintage_year=vintage_year or placed_on.year)
    return order


def _backdate(order, placed_on: date, delivered_on: date, *, vintage_year: int) -> None:
    placed_at = datetime.combine(placed_on, time(10, 0), tzinfo=PARIS)
    vintage = Vintage.objects.get(year=vintage_year)
    Order.objects.filter(pk=order.pk).update(
        created_at=placed_at,
        terms_accepted_at=placed_at,
        delivery_date=delivered_on,
        planned_delivery_date=delivered_on if order.planned_delivery_date else None,
        vintage_year=vintage.year,
        vintage_valid_until=vintage.valid_until,
    )
    for step, event in enumerate(order.events.order_by("pk")):
        day = placed_on if step < 3 else add_business_days(placed_on, step - 1)
        OrderEvent.objects.filter(pk=event.pk).update(
            created_at=datetime.combine(day, time(10, step), tzinfo=PARIS)
        )
    Invoice.objects.filter(order=order).update(issue_date=placed_on)


def _ascii(name: str) -> str:
    return fold(name).replace(" ", "-")
