"""Fixtures shared by the fault tests: the index and feedback fixtures of their own test folders, and
helpers to run a real `dxboard` process against the test database."""

import os
import time
from pathlib import Path

from django.db import connection

from tests.dxboard.feedback.conftest import _media, fb, make_report  # noqa: F401  (fixtures)
from tests.dxboard.index.conftest import (  # noqa: F401  (fixtures)
    campaign,
    published,
    small_framework,
    sub_a,
    sub_b,
)
from tests.dxboard.steering.conftest import holidays, make_task, plan  # noqa: F401  (fixtures)

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"


def database_url() -> str:
    """The test database as a DATABASE_URL, for a subprocess (worker, server) to use."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def subprocess_env(**extra) -> dict:
    """The environment of a child `dxboard` process: our sources first, the test settings."""
    path = os.pathsep.join(p for p in (str(SRC), str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "DJANGO_SETTINGS_MODULE": "dxboard.settings.test",
            "DJANGO_ALLOW_ASYNC_UNSAFE": "true", **extra}


def wait_for(predicate, timeout=30.0, step=0.05) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(step)
    return False
