from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Department, Provider, Region


class DirectorySitemap(Sitemap):
    """The directory's home, its regions and its départements."""

    changefreq = "daily"

    def items(self):
        return (
            [("directory:home", ())]
            + [
                ("directory:region", (slug,))
                for slug in Region.objects.values_list("slug", flat=True)
            ]
            + [
                ("directory:department", (code,))
                for code in Department.objects.order_by("sort_key").values_list("code", flat=True)
            ]
        )

    def location(self, item):
        name, args = item
        return reverse(name, args=args)


class ProviderSitemap(Sitemap):
    changefreq = "weekly"
    limit = 5000

    def items(self):
        return Provider.objects.listed().only("slug", "updated_at").order_by("pk")

    def location(self, provider):
        return reverse("directory:provider", args=[provider.slug])

    def lastmod(self, provider):
        return provider.updated_at


SITEMAPS = {"annuaire": DirectorySitemap, "domiciliataires": ProviderSitemap}
