"""Zhibiao settings: one module, read from the environment in one place.

The embedded default (no variables set) runs on a SQLite file and a filesystem broker under
``DATA_DIR``. Production (``ZHIBIAO_ENV=production``) refuses to start without its secrets and
services: ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``, ``ALLOWED_HOSTS``.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    return default if value is None else value.lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return default if value is None else int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from exc


ZHIBIAO_ENV = env("ZHIBIAO_ENV", "development")
PRODUCTION = ZHIBIAO_ENV == "production"
if ZHIBIAO_ENV not in {"development", "production"}:
    raise ImproperlyConfigured("ZHIBIAO_ENV must be 'development' or 'production'")


def required(name: str) -> str:
    value = env(name)
    if value is None:
        raise ImproperlyConfigured(f"{name} must be set when ZHIBIAO_ENV=production")
    return value


DATA_DIR = Path(env("DATA_DIR", str(BASE_DIR / "var")))
DATA_DIR.mkdir(parents=True, exist_ok=True)

if PRODUCTION:
    SECRET_KEY = required("SECRET_KEY")
    DEBUG = env_bool("DEBUG", False)
    ALLOWED_HOSTS = required("ALLOWED_HOSTS").split(",")
    DATABASE_URL = required("DATABASE_URL")
    REDIS_URL: str | None = required("REDIS_URL")
else:
    # Only for the embedded default on a laptop; production has no fallback (see above).
    SECRET_KEY = env("SECRET_KEY", "zhibiao-embedded-development-only")
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = (env("ALLOWED_HOSTS") or "127.0.0.1,localhost,testserver").split(",")
    DATABASE_URL = env("DATABASE_URL", f"sqlite:///{DATA_DIR / 'zhibiao.sqlite3'}")
    REDIS_URL = env("REDIS_URL")

CSRF_TRUSTED_ORIGINS = [o for o in (env("CSRF_TRUSTED_ORIGINS") or "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "annotation",
    "prelabel",
    "review",
    "release",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))}
IS_SQLITE = DATABASES["default"]["ENGINE"].endswith("sqlite3")
if IS_SQLITE:
    # IMMEDIATE transactions take SQLite's write lock up front, so two claims of the same task
    # serialize instead of failing with "database is locked" half way; WAL lets readers go on.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # Tests share the database with a real worker process, so the test database is a file.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test.sqlite3")}

if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Prepared statements for the hot paths' fixed SQL (annotation/sql.py); the ORM never
    # prepares. Set DB_PREPARE_THRESHOLD=off behind a pooler that cannot keep them (PgBouncer in
    # transaction mode before 1.21).
    threshold = env("DB_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        None if threshold.lower() in {"off", "none"} else env_int("DB_PREPARE_THRESHOLD", 5))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
# FRONTEND_DIST lets parallel builds (and their browser tests) use their own output folder.
FRONTEND_DIST = Path(os.environ.get("FRONTEND_DIST") or BASE_DIR / "frontend" / "dist")
STATICFILES_DIRS = [("app", FRONTEND_DIST)] if FRONTEND_DIST.exists() else []
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(DATA_DIR / "media")))
MEDIA_URL = "/media/"
# Imports bigger than this are refused before they are read.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("UPLOAD_MAX_MEMORY_BYTES", 20 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 2 * 1024 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 100_000_000)

LEASE_TTL_SECONDS = env_int("LEASE_TTL_SECONDS", 900)
# Seconds a web process remembers a token's user and roles; a change made in another process
# (a member removed, a user deactivated) takes effect within this (annotation/api/authentication.py).
AUTH_CACHE_SECONDS = env_int("AUTH_CACHE_SECONDS", 5)

# Release value statements: a local tokenizer directory (default: the built-in encoder's) and
# the currency of Project.price_per_token.
RELEASE_TOKENIZER = env("RELEASE_TOKENIZER")
RELEASE_CURRENCY = env("RELEASE_CURRENCY", "CNY")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "annotation.api.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "EXCEPTION_HANDLER": "annotation.api.base.exception_handler",
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "annotation.api.base.ContentNegotiation",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Zhibiao API",
    "DESCRIPTION": "Human-machine collaborative data annotation",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}

# Celery: Redis in production; the embedded default uses kombu's filesystem transport, which a
# real worker process consumes without any server. Nothing ever runs eagerly in the web process.
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": 3600, "queue_order_strategy": "priority"}
else:
    BROKER_DIR = DATA_DIR / "broker"
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.2,
        "queue_order_strategy": "priority",
    }
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_DEFAULT_QUEUE = "default"
# The single-task fast path has a queue of its own, listed first by every worker that serves
# pre-labeling and read in priority order: an annotator's one task never waits behind a job's
# chunks (at most behind the one chunk a worker is running).
CELERY_TASK_ROUTES = {"prelabel.tasks.prelabel_one": {"queue": "prelabel_fast"},
                      "prelabel.tasks.*": {"queue": "prelabel"}}
WORKER_QUEUES = "prelabel_fast,default,prelabel"  # what one worker serving everything consumes, in order
# Intra-op torch threads per worker process; unset = the cores shared equally (prelabel/worker.py).
PRELABEL_TORCH_THREADS = int(os.environ["PRELABEL_TORCH_THREADS"]) if os.environ.get("PRELABEL_TORCH_THREADS") else None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A broker outage must reach the user quickly as an error, not hang the request.
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}

if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    STORAGES = {
        "default": {"BACKEND": env("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage")},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
