"""Strada's one settings module, driven by the environment (see docs/operations.md)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from strada.lib import keys


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("STRADA_DATA_DIR", BASE_DIR / "var")).resolve()
DEBUG = _env_bool("STRADA_DEBUG", False)
TESTING = _env_bool("STRADA_TESTING", "pytest" in sys.modules)

try:
    SECRET_KEY = keys.load_secret_key(DATA_DIR)
    STRADA_MASTER_KEY = keys.load_master_key(DATA_DIR)
except keys.MissingKey as exc:
    if not (DEBUG or TESTING):
        raise ImproperlyConfigured(str(exc)) from exc
    # Development and tests only: make the missing key files and say so once.
    for path in keys.ensure_key_files(DATA_DIR):
        print(f"Strada: created key file {path} (development only; back it up).")  # noqa: T201
    SECRET_KEY = keys.load_secret_key(DATA_DIR)
    STRADA_MASTER_KEY = keys.load_master_key(DATA_DIR)

ALLOWED_HOSTS = [
    host.strip()
    for host in os.environ.get("STRADA_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if host.strip()
]
CSRF_TRUSTED_ORIGINS = [
    origin.strip()
    for origin in os.environ.get("STRADA_CSRF_TRUSTED_ORIGINS", "").split(",")
    if origin.strip()
]

INSTALLED_APPS = [
    "strada.accounts",
    "strada.orgs",
    "strada.audit",
    "strada.clients",
    "strada.cases",
    "strada.referrals",
    "strada.directory",
    "strada.sharing",
    "strada.stats",
    "strada.demo",
    "strada.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "axes",
    "csp",
    "django_htmx",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Row-level security (PostgreSQL): the request runs in the person's organisation only.
    "strada.orgs.rls.OrganisationScopeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "strada.accounts.middleware.SessionLifetimeMiddleware",
    "strada.accounts.middleware.UserLanguageMiddleware",
    "strada.accounts.middleware.RequireMFAMiddleware",
    "strada.web.middleware.NoStoreMiddleware",
    "strada.web.middleware.JsonErrorsForApiMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "strada.urls"
WSGI_APPLICATION = "strada.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "strada" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "strada.web.context.strada",
                "strada.referrals.context.notifications",
            ],
        },
    },
]

# Databases: SQLite in the data directory unless DATABASE_URL says otherwise.
DATA_DIR.mkdir(parents=True, exist_ok=True)
_default_db = f"sqlite:///{DATA_DIR / 'strada.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL", _default_db))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writer takes the lock at BEGIN, so two writers never deadlock on upgrade.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
            "PRAGMA busy_timeout=20000;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("STRADA_CONN_MAX_AGE", "60"))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "strada",
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "account_login"

# allauth: usernames, no self sign-up, second factor by TOTP, recovery codes and WebAuthn.
ACCOUNT_ADAPTER = "strada.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS = {"login_failed": False}  # lockout is django-axes' job, not both
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Strada"
# Re-authentication before exports (strada/accounts/reauth.py) and allauth's second-factor pages:
# a confirmed password or second factor counts for 5 minutes, so one confirmation covers opening
# an export page and sending its form; signing in alone does not count. No e-mailed codes: Strada
# sends no mail.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 5 * 60
ACCOUNT_REAUTHENTICATION_METHODS = ["password", "mfa"]
# Second-factor codes count towards the axes lock, and a lock refuses them (accounts/lockout.py).
MFA_FORMS = {
    "authenticate": "strada.accounts.lockout.CodeAuthenticateForm",
    "reauthenticate": "strada.accounts.reauth.CodeReauthenticateForm",
}

# Lockout: by user and by address, with a cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("STRADA_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("STRADA_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "login"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

# Sessions: short idle timeout, absolute lifetime, cookies that scripts cannot read.
STRADA_IDLE_TIMEOUT = int(os.environ.get("STRADA_IDLE_MINUTES", "30")) * 60
SESSION_COOKIE_AGE = int(os.environ.get("STRADA_SESSION_HOURS", "10")) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "strada.web.views.csrf_failure"
STRADA_REQUIRE_MFA = _env_bool("STRADA_REQUIRE_MFA", True)

# HTTPS hardening: on unless in development (the demo over http://127.0.0.1 runs with DEBUG).
_secure = not (DEBUG or TESTING) and _env_bool("STRADA_HTTPS", True)
SESSION_COOKIE_SECURE = _secure
CSRF_COOKIE_SECURE = _secure
SECURE_SSL_REDIRECT = _secure and _env_bool("STRADA_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if _secure else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _secure
SECURE_HSTS_PRELOAD = _secure
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS: list[str] = []

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en"
FORMAT_MODULE_PATH = ["strada.formats"]
LANGUAGES = [("en", _("English")), ("uk", _("Ukrainian")), ("ro", _("Romanian"))]
LOCALE_PATHS = [BASE_DIR / "strada" / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "strada" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if DEBUG or TESTING:
    STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = os.environ.get(
    "STRADA_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("STRADA_FROM_EMAIL", "strada@localhost")
# The address people reach Strada at, for links in e-mails (which never hold personal data).
STRADA_BASE_URL = os.environ.get("STRADA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")

NINJA_PAGINATION_PER_PAGE = 50

# Logs: no request bodies, no personal data; Django's own error mails are off.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        "django": {"handlers": ["console"], "level": "WARNING"},
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "strada": {"handlers": ["console"], "level": "INFO"},
        "axes": {"handlers": ["console"], "level": "WARNING"},
    },
}

STRADA_PAGE_SIZE = 25
