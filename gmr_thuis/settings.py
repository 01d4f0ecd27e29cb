"""Settings for GMR Thuis, read from the environment; nothing set means the embedded default.

Embedded default (a bare machine, `make run`): SQLite and Celery in eager mode.
`DATABASE_URL=postgres://...` selects PostgreSQL (psycopg 3); `REDIS_URL` selects Redis as
Celery broker and result backend, so a real worker runs the jobs.
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local `.env` is optional; the environment always wins.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# The embedded default is a developer's machine: DEBUG on. Production sets DEBUG=0, and then
# SECRET_KEY (or SECRET_KEY_FILE) is required.
DEBUG = env.bool("DEBUG", default=True)
# Django's technical 404 page (it lists every URL) only when asked for; otherwise the product's.
GMR_DEBUG_404 = env.bool("GMR_DEBUG_404", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY and env.str("SECRET_KEY_FILE", default=""):
    SECRET_KEY = Path(env.str("SECRET_KEY_FILE")).read_text().strip()
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "embedded-insecure-key-only-for-local-use-" + "x" * 20

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "gmr_thuis",
    "municipalities",
    "allocation",
    "monitoring",
    "dashboards",
    "channels",
    "negotiation",
    "projects",
    "mediation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gmr_thuis.middleware.DutchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Inside CommonMiddleware, so a missing trailing slash is still redirected.
    "gmr_thuis.errorpages.ProductNotFoundMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): whether this session passed the second factor.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After both: a session of an account with a second factor that never gave the code ends.
    "gmr_thuis.second_factor.SecondFactorSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # PostgreSQL or Redis down during a view: 503 with Retry-After (JSON under /api/).
    "gmr_thuis.outages.OutageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last: turns a locked-out login into the Dutch "try again at ..." answer (429).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gmr_thuis.urls"
WSGI_APPLICATION = "gmr_thuis.wsgi.application"
ASGI_APPLICATION = "gmr_thuis.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gmr_thuis.context_processors.membership",
                # Last: marks instead of the CSRF token and name while a page is cached whole.
                "gmr_thuis.pagecache.marks",
            ],
        },
    },
]

# Database: SQLite unless DATABASE_URL names another (postgres:// uses psycopg 3).
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): failed logins counted per account and per client address,
# separately; at the limit both the login page, /admin/login/ and the API answer 429 with the
# moment to try again. Lockouts are listed in the admin for the platform administrator.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, loading the membership with the user (one query, not two).
    "gmr_thuis.backends.MemberBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = "gmr_thuis.lockout.lockout_parameters"
AXES_LOCKOUT_CALLABLE = "gmr_thuis.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
# Behind a reverse proxy set AXES_IPWARE_PROXY_COUNT (how many proxies add X-Forwarded-For).
AXES_IPWARE_PROXY_COUNT = env.int("AXES_IPWARE_PROXY_COUNT", default=None)
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): scripts only from our own origin, never inline, so an
# injected <script> or onclick does nothing. Styles may be inline because Plotly and htmx set
# them at runtime; img data: for Plotly's and Swagger UI's icons, blob: for the images Plotly
# makes of a chart for print (only our own scripts can create one). No page may be framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        # 'self' covers the negotiation board's same-origin websocket (ws:/wss:).
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Optional second factor for staff (django-otp, TOTP): the name authenticator apps show.
OTP_TOTP_ISSUER = "GMR Thuis"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"

# Mail: printed to the console by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = env.str("EMAIL_HOST", default="")
EMAIL_BACKEND = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = env.int("EMAIL_PORT", default=587)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=True)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="GMR Thuis <noreply@gmr-thuis.nl>")
# The address of the site in mails (links back to the page of the record).
GMR_BASE_URL = env.str("GMR_BASE_URL", default="http://127.0.0.1:8000")
LOGOUT_REDIRECT_URL = "login"

# Dutch first, English available.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Nederlands")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Serve static files straight from the app folders when nothing was collected (make run).
WHITENOISE_USE_FINDERS = True

# Celery: eager in the embedded default, Redis when REDIS_URL is set.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or "cache+memory://"
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL

# Channels (the negotiation table's live board): Redis when REDIS_URL is set, else in memory.
CHANNEL_LAYERS = {
    "default": (
        {"BACKEND": "channels_redis.core.RedisChannelLayer", "CONFIG": {"hosts": [REDIS_URL]}}
        if REDIS_URL
        else {"BACKEND": "channels.layers.InMemoryChannelLayer"}
    )
}
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=15 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=14 * 60)
# A task is acknowledged only when it finished, so a worker that dies mid-way hands it back.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A run whose broker connection drops keeps computing and writes its results: the database, not
# the broker, says whether it finished, so a redelivery afterwards changes nothing.
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = False
CELERY_TIMEZONE = TIME_ZONE
# A worker that dies mid-task hands it back after this many seconds (Redis transport).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 60)
}
# Publishing with the broker down gives up after about a second, so "start run" can say so.
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 3,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 4
# A running allocation beats every GMR_RUN_HEARTBEAT_SECONDS; after GMR_RUN_LOST_AFTER_SECONDS
# without a beat its page says the worker was lost, and the sweeper (every GMR_RUN_SWEEP_SECONDS)
# hands it to another worker, up to GMR_RUN_MAX_ATTEMPTS times. A run still queued after
# GMR_RUN_REDISPATCH_SECONDS is offered to the broker again (its message may have been lost
# with a Redis restart), and fails after GMR_RUN_QUEUE_GIVE_UP_SECONDS in the queue.
GMR_RUN_HEARTBEAT_SECONDS = env.float("GMR_RUN_HEARTBEAT_SECONDS", default=5.0)
GMR_RUN_LOST_AFTER_SECONDS = env.float("GMR_RUN_LOST_AFTER_SECONDS", default=30.0)
GMR_RUN_SWEEP_SECONDS = env.float("GMR_RUN_SWEEP_SECONDS", default=15.0)
GMR_RUN_MAX_ATTEMPTS = env.int("GMR_RUN_MAX_ATTEMPTS", default=3)
GMR_RUN_REDISPATCH_SECONDS = env.float("GMR_RUN_REDISPATCH_SECONDS", default=120.0)
GMR_RUN_QUEUE_GIVE_UP_SECONDS = env.float("GMR_RUN_QUEUE_GIVE_UP_SECONDS", default=3600.0)
CELERY_BEAT_SCHEDULE = {
    # Runs whose worker vanished go to another worker; runs lost from the queue are re-sent.
    "sweep-allocation-runs": {
        "task": "allocation.tasks.sweep_runs",
        "schedule": GMR_RUN_SWEEP_SECONDS,
        # Sweeps that piled up while no worker listened are dropped: the next one does it all.
        "options": {"expires": max(GMR_RUN_SWEEP_SECONDS, 10.0)},
    },
    # The mediation table's closed cases lose their details after the retention period.
    "anonymise-mediation-cases": {
        "task": "mediation.tasks.anonymise_closed_cases",
        "schedule": 24 * 3600,
        "options": {"expires": 3600},
    },
}
# Months after its closure a mediation case keeps its details (docs/privacy.md).
GMR_MEDIATION_RETENTION_MONTHS = env.int("GMR_MEDIATION_RETENTION_MONTHS", default=6)

# One cache for all processes when Redis is there (API rate limits hold across gunicorn workers).
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            # A stopped Redis must fail a request fast (the API's rate limit then fails open),
            # not hold it until gunicorn's timeout.
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
            # Separates installations (or benchmark runs) that share one Redis database.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default=""),
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# The API's read budget per token (gmr_thuis/api/throttling.py); the load benchmark lifts it.
GMR_API_THROTTLE_RATES = {"read": env.str("GMR_API_READ_RATE", default="600/minute")}

# Imports (figures, realisation): an upload above this size or with more data rows than this is
# refused before it is read in full; above the job threshold an import runs as a Celery job.
GMR_IMPORT_MAX_BYTES = env.int("GMR_IMPORT_MAX_BYTES", default=10_000_000)
# Counted while the upload arrives: past the limit nothing more is kept (gmr_thuis/uploads.py).
FILE_UPLOAD_HANDLERS = [
    "gmr_thuis.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
GMR_IMPORT_MAX_ROWS = env.int("GMR_IMPORT_MAX_ROWS", default=50_000)
GMR_IMPORT_JOB_THRESHOLD = env.int("GMR_IMPORT_JOB_THRESHOLD", default=2_000)

# When set (CI), a test that needs PostgreSQL or Redis fails instead of skipping.
GMR_REQUIRE_SERVICES = env.bool("GMR_REQUIRE_SERVICES", default=False)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "gmr_thuis.api.schema.ApiAutoSchema",
    # Bounded JSON only: size (GMR_API_MAX_BODY_BYTES), nesting depth, finite numbers.
    "DEFAULT_PARSER_CLASSES": ["gmr_thuis.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
}
# The API's request bounds (gmr_thuis/api/parsers.py): a JSON body up to this size, this deep.
GMR_API_MAX_BODY_BYTES = env.int("GMR_API_MAX_BODY_BYTES", default=64 * 1024)
GMR_API_MAX_DEPTH = env.int("GMR_API_MAX_DEPTH", default=32)

SPECTACULAR_SETTINGS = {
    "TITLE": "GMR Thuis API",
    "DESCRIPTION": "Fair-share targets, agreements and allocation reports for housing corporations.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
