"""Settings for the test suite. The database comes from DATABASE_URL (SQLite by default)."""

import os

from .base import *  # noqa: F403
from .env import env_str

SECRET_KEY = env_str("SECRET_KEY", "test-only-not-secret-" + "y" * 40)
DEBUG = False
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; never in production
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
STORAGES = {
    "default": {"BACKEND": "dxboard.core.storage.FileSystemStorage"},  # no partial or orphan file
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The pull tests fetch from a local HTTP server on 127.0.0.1 (by that name only; see kpi/netguard.py).
OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]

VAR_DIR.mkdir(parents=True, exist_ok=True)  # noqa: F405 — a fresh clone has no var/ yet
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not SQLite's shared in-memory database: the latter locks whole tables and ignores
    # the busy timeout, which makes concurrency tests fail for reasons production never sees.
    # One file per test process, so that parallel runs never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-dxboard-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405

# A second, empty database that backup tests restore into (created only by tests that ask for it).
DATABASES["restore"] = {**DATABASES["default"], "NAME": DATABASES["default"]["NAME"] + "_restore"}  # noqa: F405
DATABASES["restore"]["TEST"] = {"NAME": DATABASES["default"]["TEST"]["NAME"].replace("test-dxboard", "test-restore")  # noqa: F405
                                if DATABASES["default"]["ENGINE"].endswith("sqlite3")  # noqa: F405
                                else f"test_restore_{os.getpid()}"}
