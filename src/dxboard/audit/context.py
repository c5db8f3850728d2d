"""The request's client address, made available to action functions without passing the request
through every layer (actions are also called from commands and workers, where it is None)."""

import contextvars

client_address: contextvars.ContextVar[str | None] = contextvars.ContextVar("client_address", default=None)
