"""Local development and the demo (`make run`): SQLite under var/, DEBUG on unless asked otherwise."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", True)
# A fixed key is acceptable only here: the demo runs on 127.0.0.1 with demo data.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
