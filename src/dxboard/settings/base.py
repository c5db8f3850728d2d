"""Settings shared by every environment. Values that vary come from the environment (see env.py)."""

from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent.parent
# var/ holds everything the platform writes (SQLite database, uploads, logs); it is never served.
VAR_DIR = Path(env_str("DXBOARD_VAR_DIR", str(Path.cwd() / "var")))

SECRET_KEY = env_str("SECRET_KEY")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
CSRF_FAILURE_VIEW = "dxboard.core.errors.csrf_failure"
# Reverse proxies (addresses or CIDR, comma-separated) whose X-Forwarded-For is believed (core/client.py);
# empty: trust no one and take REMOTE_ADDR as the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "dxboard.core",
    "dxboard.audit",
    "dxboard.units",
    "dxboard.accounts",
    "dxboard.index",
    "dxboard.itprojects",
    "dxboard.workdays",
    "dxboard.jobs",
    "dxboard.steering",
    "dxboard.feedback",
    "dxboard.kpi",
    "dxboard.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "dxboard.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "dxboard.accounts.middleware.RequireTwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "dxboard.audit.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "dxboard.urls"
WSGI_APPLICATION = "dxboard.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "dxboard.core.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dxboard.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers go on while one request writes; the busy timeout queues writers instead of
    # failing them with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    # OWASP ASVS level 2 (V2.1): at least 12 characters, no composition rules, common and
    # breached passwords refused. Django's list holds the 20,000 most common leaked passwords.
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
# Lockout after repeated failures (ASVS V2.2.1): this many failures within the window lock the
# account name for the window.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_LOCKOUT_SECONDS = env_int("LOGIN_LOCKOUT_SECONDS", 15 * 60)
# A personal API token lives this many days from its creation; then its owner creates a new one.
API_TOKEN_DAYS = env_int("API_TOKEN_DAYS", 90)
# The account lock holds for the failing address only (the owner elsewhere still signs in); this many
# failures from one address, whatever the account names, lock that address for the window.
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
# Citizen reports per hour: per device (cookie), per address, per Open311 client (its api_key).
FEEDBACK_RATE_PER_DEVICE = env_int("FEEDBACK_RATE_PER_DEVICE", 5)
FEEDBACK_RATE_PER_ADDRESS = env_int("FEEDBACK_RATE_PER_ADDRESS", 20)
FEEDBACK_RATE_PER_API_CLIENT = env_int("FEEDBACK_RATE_PER_API_CLIENT", 500)
# Open311 GeoReport v2: the one jurisdiction this platform serves (a request naming another is refused), and
# the page size of a request list when the client asks for none, and at most.
OPEN311_JURISDICTION = env_str("OPEN311_JURISDICTION", "bacninh.gov.vn")
OPEN311_PAGE_SIZE = env_int("OPEN311_PAGE_SIZE", 1000)
OPEN311_MAX_PAGE_SIZE = env_int("OPEN311_MAX_PAGE_SIZE", 1000)
# The province as a box, "south,west,north,east" in degrees: a report's point outside it is refused. The default
# holds Bắc Ninh as merged in 2025 (old Bắc Ninh and Bắc Giang, 20.97–21.62 N, 105.88–107.04 E) with a margin.
FEEDBACK_PROVINCE_BOUNDS = env_list("FEEDBACK_PROVINCE_BOUNDS", "20.9,105.8,21.7,107.1")
# How long personal data is kept (Decree 356/2025/ND-CP, Law 91/2025/QH15), in days; the worker's daily purge
# (core.retention) erases what is past its period. A citizen's name, phone and e-mail: counted from the day
# their report was closed or rejected. Traces of who came from where (the hashed device and address on a
# report, failed-login counters, submission limit keys): from the day they were left. Notifications, the
# outbox and the queued e-mails: from the day they were sent.
RETENTION_REPORTER_DAYS = env_int("RETENTION_REPORTER_DAYS", 365)
RETENTION_TRACE_DAYS = env_int("RETENTION_TRACE_DAYS", 180)
RETENTION_NOTIFICATION_DAYS = env_int("RETENTION_NOTIFICATION_DAYS", 90)
OTP_TOTP_ISSUER = "dxboard"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
# Off: it would also group ids printed in templates (id="answer-2.868"); figures use |intcomma or
# floatformat's "g" flag, which group in the vi-VN way (3.334.900).
USE_THOUSAND_SEPARATOR = False
FORMAT_MODULE_PATH = ["dxboard.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files live under var/, which no web server serves: they are sent only by views that check
# permission first.
MEDIA_ROOT = VAR_DIR / "media"
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# The most pixels an uploaded image may declare in its header; it bounds what one upload can cost to decode
# (a 40-megapixel RGBA image is about 160 MB in memory, twice that while it is re-encoded).
UPLOAD_MAX_PIXELS = env_int("UPLOAD_MAX_PIXELS", 40_000_000)
# What one imported spreadsheet may hold (dxboard.core.sheets): a value beyond these rows or columns refuses
# the file, and a workbook whose zip unpacks to more is not opened.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 200)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 30 * 1024 * 1024
STORAGES = {
    "default": {"BACKEND": "dxboard.core.storage.FileSystemStorage"},  # no partial or orphan file
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# A strict policy: every script, style and font is served by the platform itself, none inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: a bad token then answers 401 with WWW-Authenticate, as machine clients expect.
        "dxboard.accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "dxboard API",
    "DESCRIPTION": "API of the digital-transformation steering platform (dxboard).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "UnitKindEnum": "dxboard.units.models.UnitKind.choices",
        "SuccessionKindEnum": "dxboard.units.models.SuccessionKind.choices",
    },
}

# E-mail goes through SMTP (Django 6.1 MAILERS); the host and its credentials come from the environment.
MAILERS = {
    "default": {
        "BACKEND": env_str("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend"),
        "OPTIONS": {
            "host": env_str("EMAIL_HOST", "127.0.0.1"),
            "port": env_int("EMAIL_PORT", 25),
            "username": env_str("EMAIL_HOST_USER"),
            "password": env_str("EMAIL_HOST_PASSWORD"),
            "use_tls": env_bool("EMAIL_USE_TLS", False),
        },
    }
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "dxboard <no-reply@localhost>")
# Where people reach the platform: e-mails carry their links whole (core.notify.absolute).
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# Every fetch of a URL someone else gave (KPI pull endpoints, Open311 media_url) goes through core/netguard.py:
# host names exempt from its refusal of internal addresses. Empty in production; only for a source system
# deliberately run on the internal network.
OUTBOUND_ALLOWED_HOSTS = env_list("OUTBOUND_ALLOWED_HOSTS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.server": {"level": "WARNING"}},
}
