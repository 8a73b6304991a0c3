"""The allauth pages under French paths, plus the portal's own account pages. allauth's
views are mapped one by one (not `include("allauth.urls")`) so that every URL is French
and no page we do not use is reachable."""

from allauth.account import views as allauth_views
from allauth.mfa.base import views as mfa_views
from allauth.mfa.recovery_codes import views as recovery_code_views
from allauth.mfa.totp import views as totp_views
from django.urls import path, re_path

from . import views

urlpatterns = [
    path("connexion/", allauth_views.login, name="account_login"),
    path("deconnexion/", allauth_views.logout, name="account_logout"),
    path("inactif/", allauth_views.account_inactive, name="account_inactive"),
    path("inscription/", allauth_views.signup, name="account_signup"),
    path("reauthentification/", allauth_views.reauthenticate, name="account_reauthenticate"),
    path("adresses-e-mail/", allauth_views.email, name="account_email"),
    path(
        "confirmation-e-mail/",
        allauth_views.email_verification_sent,
        name="account_email_verification_sent",
    ),
    re_path(
        r"^confirmation-e-mail/(?P<key>[-:\w]+)/$",
        allauth_views.confirm_email,
        name="account_confirm_email",
    ),
    path("mot-de-passe/modifier/", allauth_views.password_change, name="account_change_password"),
    path("mot-de-passe/definir/", allauth_views.password_set, name="account_set_password"),
    path("mot-de-passe/oublie/", allauth_views.password_reset, name="account_reset_password"),
    path(
        "mot-de-passe/oublie/envoye/",
        allauth_views.password_reset_done,
        name="account_reset_password_done",
    ),
    re_path(
        r"^mot-de-passe/nouveau/(?P<uidb36>[0-9A-Za-z]+)-(?P<key>.+)/$",
        allauth_views.password_reset_from_key,
        name="account_reset_password_from_key",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        allauth_views.password_reset_from_key_done,
        name="account_reset_password_from_key_done",
    ),
    path("securite/", views.security, name="account_security"),
    # Two-factor login (allauth.mfa): the authenticator app and the recovery codes.
    path("double-authentification/", mfa_views.index, name="mfa_index"),
    path("double-authentification/code/", mfa_views.authenticate, name="mfa_authenticate"),
    path(
        "double-authentification/reauthentification/",
        mfa_views.reauthenticate,
        name="mfa_reauthenticate",
    ),
    path(
        "double-authentification/application/activer/",
        totp_views.activate_totp,
        name="mfa_activate_totp",
    ),
    path(
        "double-authentification/application/desactiver/",
        totp_views.deactivate_totp,
        name="mfa_deactivate_totp",
    ),
    path(
        "double-authentification/codes-de-secours/",
        recovery_code_views.view_recovery_codes,
        name="mfa_view_recovery_codes",
    ),
    path(
        "double-authentification/codes-de-secours/nouveaux/",
        recovery_code_views.generate_recovery_codes,
        name="mfa_generate_recovery_codes",
    ),
    path(
        "double-authentification/codes-de-secours/telecharger/",
        recovery_code_views.download_recovery_codes,
        name="mfa_download_recovery_codes",
    ),
    path("organisations/", views.organization_list, name="organization_list"),
    path(
        "organisations/<uuid:public_id>/choisir/",
        views.organization_switch,
        name="organization_switch",
    ),
]
