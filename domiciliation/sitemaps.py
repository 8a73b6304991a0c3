from django.contrib.sitemaps import Sitemap
from django.urls import reverse


class GuidesSitemap(Sitemap):
    """The public guides of domiciliation and the standard contract."""

    changefreq = "monthly"
    priority = 0.8

    def items(self):
        return [
            "domiciliation:company_creation",
            "domiciliation:virtual_mailbox",
            "domiciliation:standard_contract",
        ]

    def location(self, item):
        return reverse(item)


SITEMAPS = {"guides": GuidesSitemap}
