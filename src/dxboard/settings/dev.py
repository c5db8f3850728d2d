"""Local development and the demo (`make run`): SQLite under var/, e-mail kept in the platform's outbox.

DEBUG is off unless asked for (DEBUG=1): `make run` is what a new user, or a citizen on the demo, meets, and
they must see the platform's own error pages, never Django's debug page."""

from .base import *  # noqa: F403
from .env import env_bool, env_str

DEBUG = env_bool("DEBUG", False)
# A fixed key is acceptable only here: the demo runs on 127.0.0.1 with demo data.
SECRET_KEY = env_str("SECRET_KEY", "dev-only-not-secret-" + "x" * 40)
# Nothing leaves the machine: every e-mail is kept in the outbox the standing office reads at /outbox/.
MAILERS = {"default": {"BACKEND": "dxboard.core.outbox.OutboxBackend"}}
# Static files straight from the apps' folders (no collectstatic), also with DEBUG off.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
