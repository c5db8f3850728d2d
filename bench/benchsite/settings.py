"""Bench settings: the test settings (DATABASE_URL from the environment, DB_CONN_MAX_AGE set by the
harness) with the bench URLconf, so the bare baseline views exist only here, never in production URLs."""

import os
from pathlib import Path

from dxboard.settings.test import *  # noqa: F403

ROOT_URLCONF = "benchsite.urls"
ALLOWED_HOSTS = ["*"]
if os.environ.get("BENCH_MEDIA_ROOT"):
    MEDIA_ROOT = Path(os.environ["BENCH_MEDIA_ROOT"])
# Every simulated phone sends from 127.0.0.1: the per-address limit (20 an hour) would throttle the load
# at its 21st report. The per-device limit stays as shipped (each simulated phone has its own device
# cookie), and both rate-limit queries still run on every submission.
FEEDBACK_RATE_PER_ADDRESS = 10**9
LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"console": {"class": "logging.StreamHandler"}},
           "root": {"handlers": ["console"], "level": "WARNING"},
           # a refused request is counted by the load generator; one log line each would flood the output
           "loggers": {"django.request": {"level": "ERROR"}}}
# As in production (settings/production.py): the public Open311 list cached 30 s per process.
OPEN311_LIST_CACHE_SECONDS = 30
