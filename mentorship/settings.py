"""Settings for the micro-mentorship platform.

Everything configurable comes from the environment through mentorship.env (one reader, fail
fast). Development defaults need no services: SQLite and Celery's filesystem broker under var/.
With DATABASE_URL and REDIS_URL set, the same code runs on PostgreSQL and Redis.
"""

from __future__ import annotations

import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from mentorship.env import env_bool, env_float, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

TESTING = "pytest" in sys.modules or env_bool("TESTING", False)
DEBUG = env_bool("DEBUG", False)
# PRODUCTION is explicit: a deployment says so, and then the safety checks below refuse to start.
PRODUCTION = env_bool("PRODUCTION", False)

_DEV_SECRET = "dev-insecure-secret-key-do-not-use-in-production-0123456789abcdef"
SECRET_KEY = env_str("SECRET_KEY", "" if PRODUCTION else _DEV_SECRET)
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET:
        raise ImproperlyConfigured("SECRET_KEY must be set in production")
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# /healthz shows error details (hosts, ports, database names) to staff and to a monitor that sends
# this value in X-Healthz-Token; everyone else sees only ok/degraded per check.
HEALTHZ_TOKEN = env_str("HEALTHZ_TOKEN")
SITE_URL = env_str("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER below
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our own static files, never a CDN
    "csp",  # its system check refuses django-csp 3.x style settings
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "orgs",
    "accounts",
    "sessions.apps.BookingConfig",
    "ratings",
    "conversations",
    "matching",
    "insights",
    "mentorship",
]

# Social login is switched on by configuration alone: a provider is installed when its client id
# and secret are in the environment.
SOCIALACCOUNT_PROVIDERS: dict = {}
for _provider, _env_prefix in (("google", "GOOGLE"), ("github", "GITHUB"), ("openid_connect", "LINKEDIN")):
    _client_id = env_str(f"{_env_prefix}_CLIENT_ID")
    _secret = env_str(f"{_env_prefix}_CLIENT_SECRET")
    if not (_client_id and _secret):
        continue
    INSTALLED_APPS.append(f"allauth.socialaccount.providers.{_provider}")
    if _provider == "openid_connect":
        # LinkedIn speaks OpenID Connect ("Sign In with LinkedIn using OpenID Connect").
        SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
            "APPS": [
                {
                    "provider_id": "linkedin",
                    "name": "LinkedIn",
                    "client_id": _client_id,
                    "secret": _secret,
                    "settings": {"server_url": "https://www.linkedin.com/oauth"},
                }
            ]
        }
    else:
        SOCIALACCOUNT_PROVIDERS[_provider] = {"APP": {"client_id": _client_id, "secret": _secret}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before every middleware that may answer on its own (the NUL-byte 400 page, whitenoise), so
    # that their responses carry the policy too.
    "mentorship.middleware.CSPMiddleware",  # django-csp's, its header built once
    "mentorship.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.UserTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "mentorship.middleware.StaffTwoFactorMiddleware",
]

ROOT_URLCONF = "mentorship.urls"
WSGI_APPLICATION = "mentorship.wsgi.application"

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
                "mentorship.context_processors.site",
                "orgs.context_processors.organisations",
            ],
        },
    },
]

# Persistent connections: without them a small DRF list endpoint drops from ~450 to ~160 req/s.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
IS_POSTGRES = DATABASES["default"]["ENGINE"].endswith("postgresql")
if not IS_POSTGRES:
    # SQLite serialises writers; a generous timeout makes concurrent writers wait, not fail.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# Read replica (optional): which reads go there, and when they stay on the primary, is decided
# in mentorship/db_router.py. In tests the alias is a TEST MIRROR of default (a second connection
# to the same database, which sees committed rows only), so routing is tested on one database;
# tests switch replica reads on themselves (READ_REPLICA), since most run inside a transaction.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL", "")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(DATABASE_REPLICA_URL, conn_max_age=60, conn_health_checks=True)
elif TESTING:
    DATABASES["replica"] = {**DATABASES["default"], "OPTIONS": dict(DATABASES["default"].get("OPTIONS", {}))}
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
READ_REPLICA = "replica" if DATABASE_REPLICA_URL and not TESTING else ""
# Behind PgBouncer in transaction pooling, consecutive transactions may run on different server
# connections: persistent connections buy nothing there, and server-side cursors (.iterator())
# would be lost between transactions.
# Typo-tolerant directory search (accounts.selectors.mentor_text_match) matches a query word with
# pg_trgm's `<<%` (strict word similarity), whose threshold is this session setting: "pyhton" is
# 0.27 from "python" (and 0.07 from "thompson"), below pg_trgm's default of 0.5. Sent as a startup option, so it costs no query; behind a pooler
# that drops startup options the default applies and search is merely less forgiving.
TRIGRAM_WORD_THRESHOLD = 0.25
if IS_POSTGRES:
    for _db in DATABASES.values():
        _options = _db.setdefault("OPTIONS", {})
        _options["options"] = (f"{_options.get('options', '')} "
                               f"-c pg_trgm.strict_word_similarity_threshold={TRIGRAM_WORD_THRESHOLD}").strip()
# Server-side prepared statements for the hot SQL every booking and API request sends
# (mentorship.prepared): planning was most of the database's share of a booking. Off behind a
# pooler in transaction mode, where the next transaction may land on a connection that never saw
# the PREPARE.
DB_PREPARED_STATEMENTS = env_bool("DB_PREPARED_STATEMENTS", True)
if env_bool("PGBOUNCER_TRANSACTION_POOLING", False):
    for _db in DATABASES.values():
        _db.update(CONN_MAX_AGE=0, DISABLE_SERVER_SIDE_CURSORS=True)
    DB_PREPARED_STATEMENTS = False
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 10, minimum=0)  # longer than the replica's usual lag
# GET pages whose reads may be seconds stale: the directory and free slots.
REPLICA_READ_VIEWS = {"accounts:directory", "api:mentor-list", "api:mentor-detail", "booking:slot_picker",
                      "api:slots-list"}
REPLICA_READ_MODELS = {"accounts.mentorprofile", "accounts.skill", "accounts.industry", "accounts.language",
                       "accounts.mentorprofile_skills", "accounts.mentorprofile_industries",
                       "accounts.mentorprofile_languages", "booking.availabilityrule", "booking.availabilityoverride",
                       "booking.bookingpolicy", "booking.booking"}
if READ_REPLICA:
    DATABASE_ROUTERS = ["mentorship.db_router.ReplicaRouter"]
    MIDDLEWARE.append("mentorship.db_router.ReplicaReadsMiddleware")

AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# Forms render through the project's templates with one field layout, templates/forms/field.html
# (label, required marker, help, errors and their aria ids), for every field on every page.
FORM_RENDERER = "mentorship.forms.FormRenderer"

STATIC_URL = "/static/"
# Outside production whitenoise also serves straight from the apps' static folders, so `make run`
# (gunicorn, DEBUG off) shows a changed stylesheet without another collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# JSON API bodies are small (a profile, a booking); photos come as multipart, bounded above.
API_MAX_BODY_BYTES = 256 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
MAX_PHOTO_BYTES = 2 * 1024 * 1024

# --- Email ---------------------------------------------------------------------------------
# In development every email (sign-up, password reset, bookings, reminders: web and worker alike)
# lands in one mailbox that survives restarts: one .eml file per message under var/mail/, readable
# as the recipient sees it at /staff/mail/.
DEV_MAILBOX_DIR = VAR_DIR / "mail"
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "mentorship.mail_backends.MailboxBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Micro-mentorship <no-reply@mentorship.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- allauth ---------------------------------------------------------------------------------
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = env_str("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
# Tell people when their password or email address changes (allauth's security notices): the one
# warning an account owner gets when someone else took it over. Sent through the outbox like all mail.
ACCOUNT_EMAIL_NOTIFICATIONS = True
# Failed sign-ins: 5 per 5 minutes per ACCOUNT lock that account's password sign-in (allauth's
# "key"). Per ADDRESS there is no lock-out (one guesser would shut out an office behind one NAT):
# after SIGNIN_ADDRESS_FREE_FAILURES failures within SIGNIN_ADDRESS_MEMORY_SECONDS, each attempt
# from that address waits SIGNIN_ADDRESS_DELAY_SECONDS after its last failure (accounts.signin).
ACCOUNT_RATE_LIMITS = {"login_failed": "5/5m/key", "signup": "20/h/ip", "reset_password": "5/h/ip"}
SIGNIN_ADDRESS_FREE_FAILURES = env_int("SIGNIN_ADDRESS_FREE_FAILURES", 5)
SIGNIN_ADDRESS_DELAY_SECONDS = env_int("SIGNIN_ADDRESS_DELAY_SECONDS", 10)
SIGNIN_ADDRESS_MEMORY_SECONDS = env_int("SIGNIN_ADDRESS_MEMORY_SECONDS", 15 * 60)

# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) and recovery codes, for anyone at
# /accounts/2fa/. Staff must have it before they can use the admin or staff pages; production
# requires it, development leaves it optional so demo logins keep working.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Micro-mentorship"
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", PRODUCTION)

# API tokens end after this many days without use, and with any password or email change.
API_TOKEN_IDLE_DAYS = env_int("API_TOKEN_IDLE_DAYS", 30)

# --- Client addresses ------------------------------------------------------------------------
# X-Forwarded-For is written by whoever sends the request, so it is only believed for the hops
# our own proxies added: with N trusted proxies in front, the client is the N-th address from the
# right. The default 0 uses REMOTE_ADDR and ignores the header, so no client can pick the address
# that rate limits are counted against. allauth (login form) and DRF (API throttles) read the same
# number.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupExtraForm"
# allauth's mail becomes outbox rows (sent by the worker, retried while SMTP is down); the adapter
# lives in the project package because accounts may not import the booking outbox.
ACCOUNT_ADAPTER = "mentorship.account_adapter.OutboxAccountAdapter"
LOGIN_REDIRECT_URL = "/home/"  # mentorship.views_home.dashboard
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_QUERY_EMAIL = True

# --- Cache -----------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "mentorship.cache.FailoverRedisCache", "LOCATION": REDIS_URL,
                    # Fail over in half a second, not after the kernel's connect timeout.
                    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}},
        # Stands in while Redis is down (mentorship/cache.py); its table comes with `migrate`.
        "fallback": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "cache_fallback"},
    }

# --- REST framework --------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: DRF takes the 401 challenge from the first class, so anonymous calls get
        # 401 (not 403) while browsers still authenticate with their session.
        "mentorship.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticatedOrReadOnly"],
    "DEFAULT_PAGINATION_CLASS": "mentorship.api.Pagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "mentorship.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "EXCEPTION_HANDLER": "mentorship.api.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "mentorship.negotiation.CommonAcceptsContentNegotiation",
    "DEFAULT_PARSER_CLASSES": [
        "mentorship.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "DEFAULT_THROTTLE_CLASSES": [
        "mentorship.throttling.AnonRateThrottle",
        "mentorship.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/min"),
        "user": env_str("API_THROTTLE_USER", "600/min"),
    },
}
if TESTING:
    REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] = {"anon": "100000/min", "user": "100000/min"}

SPECTACULAR_SETTINGS = {
    "TITLE": "Micro-mentorship API",
    "DESCRIPTION": "Profiles, directory, availability, bookings, matches and ratings.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name for a choice set used by several fields (a rating's state, before and after a decision).
    "ENUM_NAME_OVERRIDES": {"RatingStateEnum": "ratings.models.State",
                            # Programs: their status and an enrollment's beside the booking's.
                            "ProgramStatusEnum": "orgs.models.Program.Status",
                            "EnrollmentStatusEnum": "orgs.models.ProgramEnrollment.Status",
                            "BookingStatusEnum": "sessions.models.bookings.Status",
                            "FlashQuestionStatusEnum": "sessions.models.flash.FlashQuestion.Status",
                            "FlashOfferStatusEnum": "sessions.models.flash.FlashOffer.Status"},
    # `<id:...>` (mentorship.converters): a database id, within the range a row's id can have.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
                                 # `<slug:...>` (organisations and their programs): what Django's converter takes.
                                 "slug": {"type": "string", "pattern": "^[-a-zA-Z0-9_]+$"}},
    # The docs work offline and under a strict CSP: every asset comes from this server.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # No badge from validator.swagger.io: the docs ask no other host for anything.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
}

# --- Content-Security-Policy (django-csp) ----------------------------------------------------
# Every script, style, font and image comes from this server; nothing inline runs, so injected
# markup cannot execute or restyle a page. The templates hold no inline <script>, no on*= handler,
# no javascript: link and no style attribute (tests/test_csp.py reads every page to keep it so);
# htmx is told not to inject its indicator <style> nor to eval (the htmx-config meta in base.html);
# the API docs load their start-up script from a URL (mentorship/api_docs.py). Photos are ours;
# `data:` images are the QR code of the authenticator set-up and the icons inside Swagger UI's CSS.
# The development mailbox's HTML frame answers with its own, tighter policy (views_mail.mail_html).
# A form may only post here, except to the social login providers switched on above: their
# sign-in button posts to us and we redirect the browser on to the provider, and browsers apply
# form-action to that redirect as well.
_SOCIAL_FORM_TARGETS = {
    "google": "https://accounts.google.com",
    "github": "https://github.com",
    "openid_connect": "https://www.linkedin.com",
}
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *(_SOCIAL_FORM_TARGETS[p] for p in SOCIALACCOUNT_PROVIDERS)],
        "frame-ancestors": ["'none'"],
    },
}

# --- Celery ----------------------------------------------------------------------------------
# Redis when REDIS_URL is set; otherwise kombu's filesystem transport under var/ (no server).
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_BROKER_DATA_DIR = VAR_DIR / "celery"
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)

# --- Product policy --------------------------------------------------------------------------
SESSION_LENGTHS = (15, 30, 45, 60)
BOOKING_LATE_CANCEL_HOURS = env_int("BOOKING_LATE_CANCEL_HOURS", 3)
BOOKING_REQUEST_EXPIRY_HOURS = env_int("BOOKING_REQUEST_EXPIRY_HOURS", 48)
# A mentor who needs more time to answer a request may extend it once, by at most this many hours
# (never past the session's start): enough to check a calendar, not enough to hold a mentee's
# request for a week (sessions.services.bookings.booking_extend).
BOOKING_REQUEST_EXTEND_HOURS = env_int("BOOKING_REQUEST_EXTEND_HOURS", 24, minimum=1)
# Caps per mentee, so that one person cannot flood a mentor with requests (one held 50 pending
# requests with one mentor, 51 emails, in 1.9 s) or fill a mentor's week. Enforced by
# sessions.services.bookings under the mentor's policy lock and the mentee's row lock.
BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR = env_int("BOOKING_MAX_OPEN_REQUESTS_PER_MENTOR", 2, minimum=1)
BOOKING_MAX_OPEN_REQUESTS = env_int("BOOKING_MAX_OPEN_REQUESTS", 5, minimum=1)
BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK = env_int("BOOKING_MAX_SESSIONS_PER_MENTOR_WEEK", 2, minimum=1)
JITSI_BASE_URL = env_str("JITSI_BASE_URL", "https://meet.jit.si")
# External calendars (sessions.services.calendars): how often each feed is fetched, how many failures
# in a row before its mentor gets one email, and the fetcher's limits (mentorship.safe_fetch).
CALENDAR_REFRESH_MINUTES = env_int("CALENDAR_REFRESH_MINUTES", 15, minimum=5)
CALENDAR_FAILURES_BEFORE_MAIL = env_int("CALENDAR_FAILURES_BEFORE_MAIL", 4, minimum=1)
CALENDARS_PER_MENTOR = env_int("CALENDARS_PER_MENTOR", 5, minimum=1)
SAFE_FETCH_MAX_BYTES = env_int("SAFE_FETCH_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
SAFE_FETCH_CONNECT_TIMEOUT = env_int("SAFE_FETCH_CONNECT_TIMEOUT", 5, minimum=1)
SAFE_FETCH_TOTAL_TIMEOUT = env_int("SAFE_FETCH_TOTAL_TIMEOUT", 20, minimum=1)
SAFE_FETCH_MAX_REDIRECTS = 3
# Test-only: addresses (IPs or networks) the fetcher may reach although they are internal, so the
# tests' local HTTP server can be fetched. Empty everywhere else; production refuses it below.
SAFE_FETCH_ALLOW_NETWORKS: list[str] = []

# --- Security (production) -------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Monitors and container health checks speak plain HTTP on the inside.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

# --- Ratings and moderation (ratings app) ----------------------------------------------------
# New reviews containing one of these words (case-insensitive, whole words) start as pending.
RATINGS_BLOCKLIST = env_list("RATINGS_BLOCKLIST", "idiot,stupid,scam,fraud,hate")
# This many distinct open reports hide a published review until a moderator decides.
RATINGS_REPORT_HIDE_THRESHOLD = env_int("RATINGS_REPORT_HIDE_THRESHOLD", 3)
# Only reports from accounts with a verified email address at least this old count toward that
# threshold: sock-puppet accounts made to bury a review reach the queue but cannot hide it.
RATINGS_REPORTER_MIN_AGE_DAYS = env_int("RATINGS_REPORTER_MIN_AGE_DAYS", 7)
# A rating can be edited by its author for this many days after it was written.
RATINGS_EDIT_WINDOW_DAYS = env_int("RATINGS_EDIT_WINDOW_DAYS", 7)
# Bayesian average: every mentor starts as if they had RATING_PRIOR_WEIGHT reviews of RATING_PRIOR_MEAN.
RATING_PRIOR_MEAN = float(env_str("RATING_PRIOR_MEAN", "4.0"))
RATING_PRIOR_WEIGHT = env_int("RATING_PRIOR_WEIGHT", 5)

# --- Matching --------------------------------------------------------------------------------
# Weights of the match score's parts (each part is in [0, 1], the weights sum to 1); meaning dominates
# because the mentor who can answer the question matters more than a logo or a free slot. Hand-set;
# bench/learn_weights.py learns them from the evaluation sets' dev halves (matching/learning.py) and
# the README says why its best fit is not shipped yet (a lexical trap). See matching/engine.py.
MATCHING_WEIGHTS = {
    "semantic": 0.50,      # mentor's headline/bio/skills vs the mentee's goals and interests, by meaning
    "skills": 0.12,        # overlap through the Skill taxonomy (synonyms included)
    "industry": 0.06,
    "language": 0.08,      # mentor speaks the language the goals are written in (no shared language: excluded)
    "daytime": 0.06,       # overlap of 08:00-20:00 local between the two zones
    "availability": 0.10,  # free slots in the next 14 days
    "quality": 0.08,       # smoothed rating and reliability, neutral when absent
}
MATCHING_TOP_N = env_int("MATCHING_TOP_N", 20)
# Profile edits arrive in bursts; a recompute waits this long after the last change.
MATCHING_DEBOUNCE_SECONDS = env_int("MATCHING_DEBOUNCE_SECONDS", 30)
# Discovery by availability (accounts.MentorFreeTime): how far ahead each mentor's free times are
# precomputed (the directory's date filters reach this far), and "free soon": mentors with no free
# time within this many days sink in the directory's default order.
DIRECTORY_FREE_HORIZON_DAYS = env_int("DIRECTORY_FREE_HORIZON_DAYS", 28, minimum=1)
DIRECTORY_FREE_SOON_DAYS = env_int("DIRECTORY_FREE_SOON_DAYS", 14, minimum=1)
# A mentor's free times are recomputed at least this often (the horizon's far end moves on).
DIRECTORY_FREE_REFRESH_HOURS = env_int("DIRECTORY_FREE_REFRESH_HOURS", 6, minimum=1)

# --- Outbox and lifecycle jobs (sessions.services.notifications / lifecycle) ----------------
# A confirmed session becomes "completed" this long after its end (overruns, late no-show reports).
SESSION_COMPLETE_GRACE_MINUTES = env_int("SESSION_COMPLETE_GRACE_MINUTES", 15)
# Either participant may report the other's no-show until this long after the end.
NO_SHOW_REPORT_HOURS = env_int("NO_SHOW_REPORT_HOURS", 48)
# The reported party may dispute for this long after the report; undisputed, it counts then.
# Three days spans a weekend, so nobody loses a dispute to being away from mail on Saturday.
NO_SHOW_DISPUTE_HOURS = env_int("NO_SHOW_DISPUTE_HOURS", 72)
# SMTP failures: attempt n waits base * 2**(n-1) seconds; after the last attempt the row is "failed".
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 5)
NOTIFICATION_RETRY_BASE_SECONDS = env_int("NOTIFICATION_RETRY_BASE_SECONDS", 60)
# Tasks published after the response (new mails' send task, directory free-times refreshes) wait
# this long for other requests' ids to go in the same message (mentorship.publisher). Tests keep
# no linger, so that waiting for the publisher does not slow every test that books.
PUBLISH_LINGER_SECONDS = 0.0 if TESTING else env_float("PUBLISH_LINGER_SECONDS", 0.1, minimum=0, maximum=5)

# Conversations (conversations/): the pair's thread stays open this many days after their latest
# session, so a follow-up question has a place but a 30-minute favour does not become an open-ended
# obligation; the mentor may close it early or extend it by up to CONVERSATIONS_EXTEND_MAX_DAYS.
CONVERSATIONS_FOLLOW_UP_DAYS = env_int("CONVERSATIONS_FOLLOW_UP_DAYS", 7, minimum=0)
CONVERSATIONS_EXTEND_MAX_DAYS = env_int("CONVERSATIONS_EXTEND_MAX_DAYS", 30, minimum=1)
# New messages reach the other participant as one email per thread at most every
# CONVERSATIONS_DIGEST_MINUTES; the first waits CONVERSATIONS_DIGEST_DELAY_SECONDS so that a burst
# arrives as one mail and a message read on the page meanwhile is not mailed at all.
# How often an open thread page asks for new messages (htmx polling; seconds).
CONVERSATIONS_POLL_SECONDS = env_int("CONVERSATIONS_POLL_SECONDS", 15, minimum=1)
CONVERSATIONS_DIGEST_MINUTES = env_int("CONVERSATIONS_DIGEST_MINUTES", 15, minimum=1)
CONVERSATIONS_DIGEST_DELAY_SECONDS = env_int("CONVERSATIONS_DIGEST_DELAY_SECONDS", 60, minimum=0)
# Message attachments: private files (never under MEDIA_ROOT, which is served to anyone), served
# to the two participants by a checked view; a few types, checked by their bytes.
CONVERSATIONS_ATTACHMENT_ROOT = Path(env_str("CONVERSATIONS_ATTACHMENT_ROOT", str(VAR_DIR / "private" / "attachments")))
CONVERSATIONS_ATTACHMENT_MAX_BYTES = env_int("CONVERSATIONS_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
CONVERSATIONS_ATTACHMENTS_PER_MESSAGE = 3

# Insights for program managers: every figure built from fewer distinct people than this is shown
# as "<N" (page, API and CSV); see insights/privacy.py for how totals are kept from giving it back.
INSIGHTS_MIN_CELL = env_int("INSIGHTS_MIN_CELL", 5, minimum=2)

# Recognition earned from the record (insights.recognition; the rules are shown beside the badges).
# Response time: the median over the mentor's last RECOGNITION_RESPONSE_SAMPLE answered requests,
# published only from RECOGNITION_RESPONSE_MIN answers on. "Quick responder": that median is under
# RECOGNITION_QUICK_MINUTES. "Top mentor": at least RECOGNITION_TOP_MIN_SESSIONS completed sessions,
# a public average of at least RECOGNITION_TOP_MIN_AVERAGE stars and at least
# RECOGNITION_TOP_MIN_MET_PERCENT of the private answers saying the session met or exceeded
# expectations.
RECOGNITION_RESPONSE_SAMPLE = env_int("RECOGNITION_RESPONSE_SAMPLE", 20, minimum=1)
RECOGNITION_RESPONSE_MIN = env_int("RECOGNITION_RESPONSE_MIN", 5, minimum=1)
RECOGNITION_QUICK_MINUTES = env_int("RECOGNITION_QUICK_MINUTES", 240, minimum=1)
RECOGNITION_TOP_MIN_SESSIONS = env_int("RECOGNITION_TOP_MIN_SESSIONS", 10, minimum=1)
RECOGNITION_TOP_MIN_AVERAGE = env_float("RECOGNITION_TOP_MIN_AVERAGE", 4.5, minimum=1, maximum=5)
RECOGNITION_TOP_MIN_MET_PERCENT = env_int("RECOGNITION_TOP_MIN_MET_PERCENT", 90, minimum=1)

# Directory sync uploads (orgs.sync): an admin's file waits here, named by its SHA-256, between the
# preview and the confirmation (private: HR data, never under MEDIA_ROOT); removed once applied,
# and any older than a day on the next upload.
ORGS_SYNC_UPLOAD_ROOT = Path(env_str("ORGS_SYNC_UPLOAD_ROOT", str(VAR_DIR / "private" / "sync-uploads")))
