"""Settings shared by every environment. Every value an operator may change is read
here, once, from an environment variable; `.env.example` documents each one."""

import ipaddress
from pathlib import Path

import environ
from celery.schedules import crontab

from config.logging import logging_settings, structlog_configure

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
# Absolute base of the links written in e-mails and SMS (they are rendered in workers,
# outside any request).
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "anymail",
    "django_htmx",
    "csp",
    "sequences",
    "django_structlog",
    "django_prometheus",
    "common",
    "accounts",
    "notifications",
    "cesu_orders",
    "directory",
    "domiciliation",
    "mail",
]

MIDDLEWARE = [
    # Request latency per view (config/metrics.py): first and last of the chain.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # First to see the answer last: gzip for pages, CSV and JSON (common/compression.py).
    "common.compression.TextGZipMiddleware",
    # Static files from the web process in every environment, as in production.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A request id on every log line of the request and of the tasks it queues.
    "django_structlog.middlewares.RequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "common.middleware.StoredFileErrorMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "accounts.middleware.OrganizationMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    "accounts.middleware.MfaRequiredMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "accounts.context_processors.tenancy",
                "accounts.context_processors.navigation",
                "directory.context_processors.selection",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# SQLite (the embedded default) takes its write lock when a transaction begins and waits
# up to 20 s for it: two clicks on « Valider la commande » or two signatures at once are
# served one after the other, as PostgreSQL's row locks serve them, never with a 500.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")

# The cache holds allauth's rate-limit counters: it must be shared by every web node,
# hence Redis whenever there is one.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "portail",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["accounts.backends.AuthenticationBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

# Sessions end after this many seconds without a request: activity pushes the expiry
# back, at most once a minute (accounts.middleware.SessionActivityMiddleware).
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_TIMEOUT", default=3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# allauth: login with an identifier (client reference, manager identifier) or an e-mail.
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up never tells whether an address has an account: an address already in use gets
# the same answer (« check your inbox ») and its owner an e-mail saying so; every new
# address is confirmed by a link before the account can log in.
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
# Following the link in the browser that signed up logs in (allauth does it only there).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# One address per account. Changing it (« Adresse e-mail », the password asked again)
# takes effect only once the link sent to the new address is followed; the old address
# is told, as it is of every password change and two-factor change.
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "signup": "accounts.forms.SignupForm",
    "reauthenticate": "accounts.forms.ReauthenticateForm",
    "add_email": "accounts.forms.ChangeEmailForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
}
# Rate limits count per client IP: behind N trusted proxies (the load balancer), the IP is
# read from X-Forwarded-For, not from the proxy's own address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("DJANGO_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
}

# Two-factor login (allauth.mfa): an authenticator app (TOTP) with recovery codes.
# Required for domiciliataire admins and platform staff (accounts.mfa), offered to
# everybody else from « Sécurité du compte ».
MFA_ADAPTER = "accounts.adapter.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_FORMS = {
    "authenticate": "accounts.forms.MfaAuthenticateForm",
    "reauthenticate": "accounts.forms.MfaReauthenticateForm",
    "activate_totp": "accounts.forms.ActivateTotpForm",
}
# allauth refuses a new address on an account with two-factor login unless this is set,
# for fear of a second, unverified address. Here an account has one address: a change
# stays pending (and gives no access) until the link sent to it is followed, and no
# account logs in before its address is confirmed (mandatory verification above).
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Portail CESU et domiciliation")

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Uploaded proofs, documents and attachments: never served by URL, only streamed by views
# that check the right to see them. On the local disk by default (`make run`, one
# machine); in an S3-compatible bucket when S3_BUCKET is set, so that every web node and
# worker reads the same files (production: a disk is one node's only).
PRIVATE_MEDIA_ROOT = env.path("DJANGO_PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private-media")
S3_BUCKET = env("S3_BUCKET", default="")
S3_OPTIONS = {
    "bucket_name": S3_BUCKET,
    "endpoint_url": env("S3_ENDPOINT_URL", default="") or None,
    "region_name": env("S3_REGION", default="") or None,
    "access_key": env("S3_ACCESS_KEY_ID", default=""),
    "secret_key": env("S3_SECRET_ACCESS_KEY", default=""),
    # Path-style addresses (endpoint/bucket/key) work with every S3-compatible server.
    "addressing_style": env("S3_ADDRESSING_STYLE", default="path"),
    "signature_version": "s3v4",
}
if S3_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "common.s3.PrivateS3Storage",
            "OPTIONS": {**S3_OPTIONS, "location": "media"},
        },
        "private": {
            "BACKEND": "common.s3.PrivateS3Storage",
            "OPTIONS": {**S3_OPTIONS, "location": "private"},
        },
    }
else:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
        },
    }
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
# The order table posts 7 fields per line: 2,000 bénéficiaires with a few extra lines
# each. Django's default (1,000) would refuse a real financeur's cart.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 100_000

# E-mail: console in development, anymail's test backend in tests, a real ESP through
# anymail in production (for instance anymail.backends.brevo.EmailBackend).
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env(
    "DEFAULT_FROM_EMAIL", default="Portail CESU & domiciliation <ne-pas-repondre@portail.example>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where « Besoin d'aide » requests go when the financeur has no customer-service contact.
CUSTOMER_SERVICE_EMAIL = env("CUSTOMER_SERVICE_EMAIL", default="service-clients@portail.example")

# The company that issues the CESU invoices: the legal mentions of every invoice PDF.
CESU_ISSUER = {
    "name": env("CESU_ISSUER_NAME", default="Domalin Services SAS"),
    "address": env("CESU_ISSUER_ADDRESS", default="8 avenue de la Gare, 75010 Paris"),
    "siren": env("CESU_ISSUER_SIREN", default="812345676"),
    "vat_number": env("CESU_ISSUER_VAT_NUMBER", default="FR19812345676"),
    "legal_form": env(
        "CESU_ISSUER_LEGAL_FORM", default="SAS au capital de 1\u202f000\u202f000\u00a0€"
    ),
    "registry": env("CESU_ISSUER_REGISTRY", default="RCS Paris 812 345 676"),
    "iban": env("CESU_ISSUER_IBAN", default="FR76 3000 6000 0112 3456 7890 189"),
    # Where bénéficiaires use their e-CESU account (the e-mail telling them of a credit).
    "ecesu_url": env("CESU_ISSUER_ECESU_URL", default="https://e-cesu.domalin.example/"),
}
# The portal's legal notice (« mentions légales ») and accessibility statement: the
# publisher is the company above; these name the rest.
LEGAL_NOTICE = {
    "publication_director": env("LEGAL_PUBLICATION_DIRECTOR", default="Claire Dumont, présidente"),
    "host": env(
        "LEGAL_HOST",
        default="Nuage Exemple SAS, 10 rue de l’Exemple, 69002 Lyon, 04 00 00 00 00",
    ),
    "contact_email": env("LEGAL_CONTACT_EMAIL", default="contact@portail.example"),
    "privacy_email": env("PRIVACY_CONTACT_EMAIL", default="dpo@portail.example"),
    "accessibility_email": env(
        "ACCESSIBILITY_CONTACT_EMAIL", default="accessibilite@portail.example"
    ),
}
# Days the financeur has to pay a CESU invoice.
CESU_PAYMENT_TERM_DAYS = env.int("CESU_PAYMENT_TERM_DAYS", default=30)
ANYMAIL = {
    "BREVO_API_KEY": env("BREVO_API_KEY", default=""),
    "MAILJET_API_KEY": env("MAILJET_API_KEY", default=""),
    "MAILJET_SECRET_KEY": env("MAILJET_SECRET_KEY", default=""),
}

# SMS: "console", "locmem" or "brevo" (see notifications/sms.py).
SMS_BACKEND = env("SMS_BACKEND", default="console")
SMS_SENDER = env("SMS_SENDER", default="Portail")
BREVO_SMS_API_KEY = env("BREVO_SMS_API_KEY", default=ANYMAIL["BREVO_API_KEY"])

# Domiciliation payments (the first period, then each invoice of the running contract):
# "simulated" (local pages that let the company choose success or failure: development
# and demo) or "stripe" (Checkout; saved cards and SEPA mandates charged off-session).
PAYMENT_PROVIDER = env("PAYMENT_PROVIDER", default="simulated")
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Another API address than Stripe's (a local stand-in in tests); empty in production.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Running domiciliation contracts: days between an invoice and its due date, and days
# after the due date before an unpaid invoice suspends the mail services.
CONTRACT_INVOICE_DUE_DAYS = env.int("CONTRACT_INVOICE_DUE_DAYS", default=8)
CONTRACT_SUSPEND_AFTER_DAYS = env.int("CONTRACT_SUSPEND_AFTER_DAYS", default=15)

# The platform's seal on signed contracts (PEM). Without them, outside production, a
# self-signed development certificate is made in the private storage.
CONTRACT_SEAL_CERTIFICATE = env("CONTRACT_SEAL_CERTIFICATE", default="").replace("\\n", "\n")
CONTRACT_SEAL_PRIVATE_KEY = env("CONTRACT_SEAL_PRIVATE_KEY", default="").replace("\\n", "\n")
CONTRACT_SEAL_DEVELOPMENT_FALLBACK = env.bool("CONTRACT_SEAL_DEVELOPMENT_FALLBACK", default=True)

# Celery: without a broker every task runs eagerly in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_TASK_ALWAYS_EAGER = not (REDIS_URL or env("CELERY_BROKER_URL", default=""))
# An error in an eagerly run task fails the request that ran it (development, tests): a
# bug shows at once instead of hiding in a log.
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=True)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
# With acks_late, a task that hangs (a WeasyPrint render, a pyHanko seal, an SMTP server
# that never answers) would hold its worker forever: the soft limit raises inside the
# task, the hard limit kills the worker process, and the message is delivered again.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=5 * 60)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=6 * 60)
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A request must not hang when the broker is down: the outbox keeps the row pending and
# the beat job re-queues it later.
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BEAT_SCHEDULE = {
    "requeue-pending-notifications": {
        "task": "notifications.tasks.requeue_pending",
        "schedule": 60.0,
    },
    "domiciliation-payment-deadlines": {
        "task": "domiciliation.tasks.payment_deadlines",
        "schedule": 15 * 60.0,
    },
    "domiciliation-contracts": {
        "task": "domiciliation.tasks.contracts",
        "schedule": 30 * 60.0,
    },
    "domiciliation-documents-catch-up": {
        "task": "domiciliation.tasks.catch_up_documents",
        "schedule": 15 * 60.0,
    },
    "domiciliation-proof-previews-catch-up": {
        "task": "domiciliation.tasks.catch_up_proof_previews",
        "schedule": 15 * 60.0,
    },
    # Every morning; each reminder goes out once per domiciliataire and list.
    "domiciliation-declaration-reminders": {
        "task": "domiciliation.tasks.declaration_reminders",
        "schedule": crontab(minute=30, hour=7),
    },
    # Every morning; each alert goes out once per approval.
    "directory-approval-alerts": {
        "task": "directory.tasks.approval_alerts",
        "schedule": crontab(minute=40, hour=7),
    },
    "domiciliation-vigilance-reviews": {
        "task": "domiciliation.tasks.vigilance_reviews",
        "schedule": crontab(minute=50, hour=7),
    },
    # Companies created through the portal that still owe their Kbis and SIREN.
    "domiciliation-registration-reminders": {
        "task": "domiciliation.tasks.registration_reminders",
        "schedule": crontab(minute=30, hour=9),
    },
    "purge-beneficiary-imports": {
        "task": "cesu_orders.tasks.purge_beneficiary_imports",
        "schedule": 3600.0,
    },
    "mail-catch-up-alerts": {
        "task": "mail.tasks.catch_up_alerts",
        "schedule": 15 * 60.0,
    },
    # The mailbox's daily jobs: the digest at 18:00, the rules and the purge at night.
    "mail-daily-digest": {
        "task": "mail.tasks.daily_digest",
        "schedule": crontab(minute=0, hour=18),
    },
    "mail-three-month-rule": {
        "task": "mail.tasks.three_month_rule",
        "schedule": crontab(minute=30, hour=6),
    },
    "mail-standing-forwarding": {
        "task": "mail.tasks.standing_forwarding",
        "schedule": crontab(minute=0, hour=7),
    },
    "mail-purge-scans": {
        "task": "mail.tasks.purge_scans",
        "schedule": crontab(minute=0, hour=3),
    },
    # Every morning of January; the reminder itself goes out once a year per financeur.
    "cesu-attestation-reminders": {
        "task": "cesu_orders.tasks.remind_attestations",
        "schedule": crontab(minute=0, hour=8, month_of_year=1),
    },
}

# Content Security Policy: no inline script or style; htmx's inline indicator styles
# are switched off in base.html.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# seed_demo creates accounts with a published password: never in production.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=False)

# Structured logs (config/logging.py): JSON lines with the request id, also in the tasks
# a request queued. DJANGO_LOG_FORMAT=console for lines a person reads.
LOG_LEVEL = env("DJANGO_LOG_LEVEL", default="INFO")
LOGGING = logging_settings(level=LOG_LEVEL, output=env("DJANGO_LOG_FORMAT", default="json"))
structlog_configure()
DJANGO_STRUCTLOG_CELERY_ENABLED = True
# A 4xx answer is the visitor's mistake, not the portal's: logged at INFO like the rest.
DJANGO_STRUCTLOG_STATUS_4XX_LOG_LEVEL = 20

# Prometheus metrics at /metriques/ (config/metrics.py): readable with the token (HTTP
# header « Authorization: Bearer <token> ») or from the operator's networks (CIDR,
# comma-separated; the address the web node sees, so the scraper's, not a client's
# behind the load balancer). Neither set: nobody reads them.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = [
    ipaddress.ip_network(network.strip())
    for network in env.list("METRICS_ALLOWED_NETWORKS", default=[])
    if network.strip()
]

# Error reports to Sentry when a DSN is given (off by default), personal data scrubbed
# (config/sentry.py). Web nodes and workers alike.
SENTRY_DSN = env("SENTRY_DSN", default="")
if SENTRY_DSN:
    from config.sentry import sentry_init

    sentry_init(
        dsn=SENTRY_DSN,
        environment=env("SENTRY_ENVIRONMENT", default="production"),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
