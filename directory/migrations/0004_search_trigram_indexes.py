from django.db import migrations

from common.db import trigram_index


class Migration(migrations.Migration):
    """The directory search's `contains` on the city, the provider's name and the postcode
    (directory/selectors.directory_search): trigram indexes on PostgreSQL, nothing on
    SQLite."""

    dependencies = [
        ("directory", "0003_typographic_apostrophes"),
    ]

    operations = [
        trigram_index(
            table="directory_providercentre", name="centre_search_city_trgm", expression="search_city",
        ),
        trigram_index(
            table="directory_providercentre", name="centre_postcode_trgm", expression="postcode"
        ),
        trigram_index(
            table="directory_provider", name="provider_search_name_trgm", expression="search_name"
        ),
    ]
