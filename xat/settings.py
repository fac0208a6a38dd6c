"""XAT settings, read from the environment (see README, "Configuration").

With nothing set, this is a development setup that talks to the project-local cluster
(`make run` starts it). XAT_MODE=production makes every unsafe default an error.
"""

import secrets
from datetime import timedelta
from importlib.metadata import version as package_version
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from xat.env import (database_direct_from_env, database_from_env, database_replicas_from_env, env_bool, env_int,
                     env_list, env_str)

BASE_DIR = Path(__file__).resolve().parent.parent
LOCAL_DIR = BASE_DIR / ".xat"  # git-ignored: local cluster, development secret

MODE = env_str("XAT_MODE", "development")
if MODE not in ("development", "production"):
    raise ImproperlyConfigured(f"XAT_MODE={MODE!r}: expected 'development' or 'production'")
PRODUCTION = MODE == "production"

DEBUG = env_bool("DEBUG", False)
if DEBUG and PRODUCTION:
    # Debug pages show settings, source and SQL to anyone who triggers an error.
    raise ImproperlyConfigured("DEBUG is on in production mode: unset DEBUG (or set DEBUG=0)")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        if PRODUCTION and (len(key) < 50 or key.startswith("django-insecure") or len(set(key)) < 5):
            raise ImproperlyConfigured(
                "SECRET_KEY is too weak for production: use 50+ random characters, e.g. "
                "python -c 'import secrets; print(secrets.token_urlsafe(50))'"
            )
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY is not set; production mode refuses to start without one")
    # Development: a random key kept in .xat/ so tokens survive a restart.
    path = LOCAL_DIR / "secret_key"
    if not path.exists():
        LOCAL_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# CORS (django-cors-headers): the dashboard's origins, listed; never "any origin". The API
# authenticates by Bearer token only (no cookie session is ever read), so a listed origin
# may send credentials harmlessly, as the reference let it: a frontend built with
# `withCredentials` keeps working.
CORS_ALLOWED_ORIGINS = env_list(
    "CORS_ALLOWED_ORIGINS", [] if PRODUCTION else ["http://localhost:3000", "http://localhost:5173"]
)
CORS_ALLOW_CREDENTIALS = True
CORS_ALLOW_HEADERS = (
    "accept", "accept-encoding", "authorization", "content-type", "dnt", "origin", "user-agent",
    "x-csrftoken", "x-requested-with", "x-organization",
)
CORS_PREFLIGHT_MAX_AGE = 86400

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "corsheaders",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI's files, served by XAT itself (accounts/apis/schema.py)
    "django.contrib.postgres",
    # The background job queue (metrics/jobs.py): its tables, the `procrastinate` command.
    "procrastinate.contrib.django",
    "accounts",
    "metrics",
    # The outer parts of metrics, each its own app built on the core (README.md, "Layout").
    "metrics.loadtests",
    "metrics.cloud",
    "metrics.uploads",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything that can answer (CommonMiddleware), so every answer carries CORS.
    "corsheaders.middleware.CorsMiddleware",
    # Inside CORS, outside everything else: every answer JSON, 503 when the database is down.
    "xat.errors.JsonErrorsMiddleware",
    "xat.url_checks.NulRefusedMiddleware",
    # Before anything reads the body (CSRF reads forms): a chunked body gets its length.
    "xat.request_body.ChunkedBodyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "xat.urls"
WSGI_APPLICATION = "xat.wsgi.application"

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

LOCAL_PG_PORT = env_int("XAT_PG_PORT", 54329)
DATABASES = {
    "default": {
        # django-timescaledb's backend: plain PostgreSQL that also creates the extension.
        "ENGINE": "timescale.db.backends.postgresql",
        # Long-lived connections keep their prepared statements and cached generic plans
        # (ingest, charts); the health check makes a connection the server dropped harmless.
        "CONN_MAX_AGE": env_int("CONN_MAX_AGE", 600),
        "CONN_HEALTH_CHECKS": True,
        **database_from_env(LOCAL_DIR / "pg" / "run", LOCAL_PG_PORT),
    }
}
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", env_int("PGCONNECT_TIMEOUT", 5))
# A transaction-pooling PgBouncer between this process and PostgreSQL (XAT_DB_POOLER=transaction,
# docs/scaling.md) lends it a server connection for one transaction at a time, so nothing may
# outlive a transaction: no server-side cursors (Django's .iterator() then reads its query
# whole, in chunks on this side) and, unless PGPREPARE_THRESHOLD says otherwise, no prepared
# statements (Debian's PgBouncer 1.18 cannot keep them; 1.21's max_prepared_statements can).
DATABASE_POOLER = env_str("XAT_DB_POOLER", "")
if DATABASE_POOLER not in ("", "transaction"):
    raise ImproperlyConfigured(f"XAT_DB_POOLER={DATABASE_POOLER!r}: expected 'transaction' or nothing")
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_POOLER == "transaction"
# Server-side binding with prepared statements: psycopg prepares a statement on a
# connection after its 5th run, so PostgreSQL stops re-parsing and re-planning the ingest
# statements on every tick (PGPREPARE_THRESHOLD=0 turns this off).
DATABASES["default"]["OPTIONS"].setdefault("server_side_binding", True)
DATABASES["default"]["OPTIONS"].setdefault(
    "prepare_threshold", env_int("PGPREPARE_THRESHOLD", 0 if DATABASE_POOLER == "transaction" else 5) or None)
# Where the processes that need a session of their own connect, past the pooler:
# procrastinate's worker (LISTEN/NOTIFY) and the upkeep (xat/direct_database.py).
# DATABASE_DIRECT_URL; without it, where DATABASES["default"] connects.
DATABASE_DIRECT = database_direct_from_env()

# Read replicas (xat/replicas.py; docs/guarantees.md, "Read replicas"): streaming standbys,
# each a URL in DATABASE_URL's form, comma-separated; aliases replica1, replica2... The
# heavy time-series reads go to a healthy one; everything else to the primary. The same
# settings as the primary's unless a URL names its own, with a shorter connect timeout (a
# replica that does not answer costs a request at most that long, once per check), and
# reached directly, as compose does, never through the primary's pooler (XAT_DB_POOLER):
# server-side cursors and prepared statements as without one.
XAT_REPLICA_ALIASES = []
for _number, _replica in enumerate(database_replicas_from_env(), start=1):
    _replica["OPTIONS"] = {**DATABASES["default"]["OPTIONS"], "connect_timeout": 2,
                           "prepare_threshold": env_int("PGPREPARE_THRESHOLD", 5) or None, **_replica["OPTIONS"]}
    # Tests create no database on a replica: it streams the primary's test database.
    DATABASES[f"replica{_number}"] = {**DATABASES["default"], **_replica, "DISABLE_SERVER_SIDE_CURSORS": False,
                                      "TEST": {"MIRROR": "default"}}
    XAT_REPLICA_ALIASES.append(f"replica{_number}")
# A replica serves while its replay lag (its newest replayed commit against the primary's
# newest commit) is at most this many seconds; health is checked at most every
# XAT_REPLICA_CHECK_SECONDS per process, so a chart is never staler than the bound.
XAT_REPLICA_MAX_LAG_SECONDS = env_int("XAT_REPLICA_MAX_LAG_SECONDS", 10)
XAT_REPLICA_CHECK_SECONDS = env_int("XAT_REPLICA_CHECK_SECONDS", 2)
if XAT_REPLICA_ALIASES and not 0 <= XAT_REPLICA_CHECK_SECONDS < XAT_REPLICA_MAX_LAG_SECONDS:
    raise ImproperlyConfigured(
        f"XAT_REPLICA_CHECK_SECONDS={XAT_REPLICA_CHECK_SECONDS} must be below XAT_REPLICA_MAX_LAG_SECONDS="
        f"{XAT_REPLICA_MAX_LAG_SECONDS}: a replica's lag may grow by the check interval between two checks"
    )
# ORM queries all go to the primary; only named time-series reads go to replicas.
DATABASE_ROUTERS = ["xat.replicas.PrimaryRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # simplejwt's, reading the user with their memberships in one query.
        "accounts.authentication.MemberJWTAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["xat.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": None,
    # How many trusted proxies append to X-Forwarded-For in front of XAT (0: use REMOTE_ADDR);
    # DRF's get_ident reads it for the throttles (accounts/throttling.py).
    "NUM_PROXIES": env_int("XAT_NUM_PROXIES", 0),
    "DEFAULT_SCHEMA_CLASS": "accounts.openapi.AutoSchema",
    # Only read by what describes a paginated list (xat.openapi.paginated): the list views
    # paginate themselves (accounts.pagination.paginated_response).
    "DEFAULT_PAGINATION_CLASS": "accounts.pagination.Pagination",
}

# The OpenAPI schema (/api/schema/, Swagger UI at /api/docs/): accounts/openapi.py.
SPECTACULAR_SETTINGS = {
    "TITLE": "XAT API",
    "VERSION": package_version("xat"),
    "DESCRIPTION": "XAT's own API (/api/...), the perf-dashboard's (/api/v1/..., /dashboard/api/...) and the "
                   "agents' (/v1/trickle, /api/v1/register/, /api/v1/metrics/). docs/api.md, docs/perf-dashboard.md.",
    "OAS_VERSION": "3.1.0",  # nullable as JSON Schema's type lists: answers validate with plain jsonschema
    "DEFAULT_GENERATOR_CLASS": "accounts.openapi.SchemaGenerator",
    "SERVE_INCLUDE_SCHEMA": True,  # every route is in the schema, its own included
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "/api/docs",  # the assets' routes (accounts/schema_urls.py): no CDN
    "SWAGGER_UI_FAVICON_HREF": "",
}

SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": timedelta(minutes=env_int("XAT_ACCESS_TOKEN_MINUTES", 15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env_int("XAT_REFRESH_TOKEN_DAYS", 7)),
    # No ROTATE_REFRESH_TOKENS, no blacklist app: rotation, reuse detection and revocation
    # are accounts/tokens.py's, which stores no token text.
    "UPDATE_LAST_LOGIN": True,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # The cloud SDKs' DEBUG output carries signed request headers (an AWS access key id)
    # and token requests: never logged, whatever LOG_LEVEL says (metrics/cloud/).
    "loggers": {name: {"level": "INFO"} for name in ("botocore", "boto3", "oci", "msal", "azure")},
}

if PRODUCTION:
    # Behind a TLS-terminating proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Health checks come from the load balancer over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# API keys: the hash pepper (defaults to SECRET_KEY; set it to rotate SECRET_KEY without
# invalidating every agent's key) and how long a rotated key keeps working.
XAT_KEY_PEPPER = env_str("XAT_KEY_PEPPER")
XAT_KEY_ROTATION_GRACE_HOURS = env_int("XAT_KEY_ROTATION_GRACE_HOURS", 24)
# How long an invitation to an organization can be accepted (accounts/services.py).
XAT_INVITATION_DAYS = env_int("XAT_INVITATION_DAYS", 7)
# Secrets XAT reads back (a collector's pcd key): Fernet keys, the first encrypts
# (xat/encryption.py); empty: one key derived from SECRET_KEY.
XAT_ENCRYPTION_KEYS = env_list("XAT_ENCRYPTION_KEYS", [])
# A collector whose newest sample is older than this is "stale".
XAT_STALE_AFTER_SECONDS = env_int("XAT_STALE_AFTER_SECONDS", 300)
# Cloud inventories (metrics/cloud/): the connect and read timeout of every provider call,
# in seconds (each call is retried at most once more).
XAT_CLOUD_TIMEOUT_SECONDS = env_int("XAT_CLOUD_TIMEOUT_SECONDS", 10)
# A base URL every OCI (resp. Azure) SDK call goes to instead of the provider's own (a
# private gateway, an Azure sovereign cloud: Azure's token authority is taken from it too);
# empty: the public endpoints. Tests point them at their local fakes.
XAT_CLOUD_OCI_ENDPOINT = env_str("XAT_CLOUD_OCI_ENDPOINT")
XAT_CLOUD_AZURE_ENDPOINT = env_str("XAT_CLOUD_AZURE_ENDPOINT")
# Days a cloud instance that no listing returned is remembered (metrics/cloud/inventory.py).
XAT_CLOUD_INSTANCE_KEEP_DAYS = env_int("XAT_CLOUD_INSTANCE_KEEP_DAYS", 30)

# Ingest: the largest agent request body accepted, after gzip decompression.
XAT_TRICKLE_MAX_BYTES = env_int("XAT_TRICKLE_MAX_BYTES", 10 * 1024 * 1024)
# The most ticks (distinct timestamps) one agent request may carry: more answers 413. pcc
# sends one per request; 2,000 is almost three hours of 5 s ticks sent after an outage.
XAT_TRICKLE_MAX_TICKS = env_int("XAT_TRICKLE_MAX_TICKS", 2000)
# How far ahead of this server's clock a tick's timestamp may be: a later tick is skipped
# as unparsable (a broken clock, not a host's future).
XAT_TICK_MAX_FUTURE_SECONDS = env_int("XAT_TICK_MAX_FUTURE_SECONDS", 300)
# The agent service (metrics/agent_service/): group commit's writer threads per process,
# each storing the agent requests waiting when it is free in one transaction, and the most
# ticks one such transaction takes; how often its cache of keys and collectors is checked
# against the database (the bound on accepting a revoked key or a deleted collector).
XAT_INGEST_WRITERS = env_int("XAT_INGEST_WRITERS", 1)
XAT_INGEST_GROUP_TICKS = env_int("XAT_INGEST_GROUP_TICKS", 500)
XAT_AGENT_CACHE_SECONDS = env_int("XAT_AGENT_CACHE_SECONDS", 2)

# --- Accounts (issue 3): login/register throttling, shared by workers via PostgreSQL ---
# Rates are "<count>/<s|min|hour|day>" (DRF's); an empty rate turns that check off. The client
# address behind proxies: REST_FRAMEWORK["NUM_PROXIES"] (XAT_NUM_PROXIES).
XAT_THROTTLE_RATES = {
    "login_address": env_str("XAT_THROTTLE_LOGIN_ADDRESS", "30/min"),
    "login_username": env_str("XAT_THROTTLE_LOGIN_USERNAME", "10/min"),
    "register_address": env_str("XAT_THROTTLE_REGISTER_ADDRESS", "10/hour"),
    "register_username": env_str("XAT_THROTTLE_REGISTER_USERNAME", "5/hour"),
    # Password changes: guesses of the current password by whoever holds an access token.
    "password_address": env_str("XAT_THROTTLE_PASSWORD_ADDRESS", "30/min"),
    "password_username": env_str("XAT_THROTTLE_PASSWORD_USERNAME", "5/min"),
}

# --- Uploads and exports (issue 6: metrics/uploads/, metrics/exports.py) ---
# The largest file accepted at POST /api/performance/upload/ (413 beyond), and how large its
# content may grow once gzip or zip is inflated (a compressed capture is ~10x smaller).
XAT_UPLOAD_MAX_BYTES = env_int("XAT_UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
XAT_UPLOAD_MAX_INFLATED_BYTES = env_int("XAT_UPLOAD_MAX_INFLATED_BYTES", 10 * XAT_UPLOAD_MAX_BYTES)
# A multipart file part larger than this goes to a temporary file (FILE_UPLOAD_TEMP_DIR),
# never into memory; other form fields together may not exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)
# Where an uploaded file waits for the upload worker (metrics/uploads/jobs.py), which deletes
# it once ingested: a folder the web and worker processes share (compose: a volume).
XAT_UPLOAD_DIR = Path(env_str("XAT_UPLOAD_DIR", str(LOCAL_DIR / "uploads")))
# Work an upload's job does for nothing: lines that are blank or cannot be read (refused
# lines, unparsable subsystems) beyond this fail the job (a gzip of newlines inflates 1000x).
XAT_UPLOAD_MAX_IDLE_LINES = env_int("XAT_UPLOAD_MAX_IDLE_LINES", 100_000)
# Bytes of uploaded files one organization may have waiting for (or in) their job; a new
# upload past it is refused with 429 until some are read.
XAT_UPLOAD_MAX_QUEUED_BYTES = env_int("XAT_UPLOAD_MAX_QUEUED_BYTES", 2 * XAT_UPLOAD_MAX_BYTES)
# A job whose worker sent no heartbeat for this long (killed, its machine lost) is started
# again by another worker, or by the same one once it is back; heartbeats every third of it.
XAT_WORKER_STALLED_SECONDS = env_int("XAT_WORKER_STALLED_SECONDS", 30)
PROCRASTINATE_AUTODISCOVER_MODULE_NAME = ""
PROCRASTINATE_IMPORT_PATHS = ["metrics.uploads.jobs", "metrics.loadtests.jobs"]
# Jobs are deferred on Django's connection, the worker listens on DATABASE_DIRECT.
PROCRASTINATE_ON_APP_READY = "metrics.jobs.worker_connects_direct"
PROCRASTINATE_WORKER_DEFAULTS = {
    # "checks": the periodic stalled-job checks, ahead of any waiting job (their priority).
    "queues": ["uploads", "loadtests", "checks"],
    # The Upload row keeps what a job did; a failed job stays for an operator to read.
    "delete_jobs": "successful",
    "update_heartbeat_interval": XAT_WORKER_STALLED_SECONDS / 3,
    "stalled_worker_timeout": XAT_WORKER_STALLED_SECONDS,
    # Jobs run at once by one worker process (each in a thread; an upload parses in a child
    # process). An organization holds at most one of them per queue (its jobs share a
    # procrastinate lock), so one organization's jobs leave the others' slots free
    # (docs/guarantees.md, "Background jobs").
    "concurrency": env_int("XAT_WORKER_CONCURRENCY", 4),
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024)

# --- Load tests (issue 14: metrics/loadtests/pcd.py, metrics/loadtests/jobs.py) ---
# Networks whose addresses a collector's pcd daemon may have although they are not globally
# routable (loopback, private, link-local...): comma-separated CIDRs, e.g. the VPC's
# 10.20.0.0/16. Empty: only public addresses. Cloud metadata endpoints are never admitted.
XAT_PCD_ALLOWED_NETWORKS = env_list("XAT_PCD_ALLOWED_NETWORKS", [])
# pcd's load test takes minutes (it stops itself after 2): seconds to connect, seconds for the
# whole answer (the reference's 300), and the largest answer read (ten levels take ~500 bytes).
XAT_PCD_CONNECT_TIMEOUT_SECONDS = env_int("XAT_PCD_CONNECT_TIMEOUT_SECONDS", 10)
XAT_PCD_TIMEOUT_SECONDS = env_int("XAT_PCD_TIMEOUT_SECONDS", 300)
XAT_PCD_MAX_ANSWER_BYTES = env_int("XAT_PCD_MAX_ANSWER_BYTES", 64 * 1024)
# How long a load test or comparison job retries recording its outcome while the database is
# away (a restart: seconds): the measurement took minutes, and its row is not left `running`.
# Past it the job fails; the stalled-job check then ends its row (docs/guarantees.md).
XAT_JOB_RECORD_RETRY_SECONDS = env_int("XAT_JOB_RECORD_RETRY_SECONDS", 120)

# --- Aggregates (metrics/aggregates.py) ---
# Days each level is kept (0: forever): raw samples, then the 1-minute, 1-hour and 1-day
# aggregates. Community edition: retention policies; Apache edition: `xat_aggregates retention`.
XAT_RETENTION_DAYS = {
    "raw": env_int("XAT_RETENTION_RAW_DAYS", 30),
    "1m": env_int("XAT_RETENTION_1M_DAYS", 90),
    "1h": env_int("XAT_RETENTION_1H_DAYS", 730),
    "1d": env_int("XAT_RETENTION_1D_DAYS", 0),
}
# Community edition: raw chunks are compressed once older than this.
XAT_COMPRESS_AFTER_HOURS = env_int("XAT_COMPRESS_AFTER_HOURS", 24)

# --- Analysts' SQL access (metrics/analytics.py, `xat_sql_role`, docs/analytics.md) ---
# Defaults of the login roles made by `xat_sql_role create` (each can be overridden there):
# the statement_timeout of their sessions and how many connections each may hold at once.
XAT_ANALYTICS_STATEMENT_TIMEOUT_SECONDS = env_int("XAT_ANALYTICS_STATEMENT_TIMEOUT_SECONDS", 60)
XAT_ANALYTICS_CONNECTION_LIMIT = env_int("XAT_ANALYTICS_CONNECTION_LIMIT", 5)
# Where analysts reach PostgreSQL, for the connection string printed once: by default the
# database's own host (127.0.0.1 when Django uses a Unix socket) and port.
XAT_ANALYTICS_HOST = env_str("XAT_ANALYTICS_HOST")
XAT_ANALYTICS_PORT = env_int("XAT_ANALYTICS_PORT", 0)
XAT_ANALYTICS_SSLMODE = env_str("XAT_ANALYTICS_SSLMODE", "prefer")
