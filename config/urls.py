from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from accounts import views as account_views
from config.metrics import metrics
from directory.sitemaps import SITEMAPS as DIRECTORY_SITEMAPS
from domiciliation.sitemaps import SITEMAPS as GUIDE_SITEMAPS

admin.site.site_header = "Portail – administration"
admin.site.site_title = "Portail"
admin.site.index_title = "Back-office"

urlpatterns = [
    path("", account_views.landing, name="landing"),
    path("espace/", account_views.home, name="home"),
    path("sante/", account_views.health, name="health"),
    path("metriques/", metrics, name="metrics"),
    path("accessibilite/", account_views.accessibility, name="accessibility"),
    path("mentions-legales/", account_views.legal_notice, name="legal_notice"),
    path("compte/", include("accounts.urls")),
    path("cesu/", include("cesu_orders.urls")),
    path("annuaire/", include("directory.urls")),
    path("domiciliataire/profil/", include("directory.provider_urls")),
    path("domiciliataire/courrier/", include("mail.provider_urls")),
    path("domiciliataire/", include("domiciliation.provider_urls")),
    path("domiciliation/", include("domiciliation.urls")),
    path("courrier/", include("mail.urls")),
    path(
        "sitemap.xml",
        login_not_required(sitemap),
        {"sitemaps": {**GUIDE_SITEMAPS, **DIRECTORY_SITEMAPS}},
        name="sitemap",
    ),
    path("favicon.ico", account_views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
]
