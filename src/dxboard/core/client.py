"""The client's address, also behind a reverse proxy.

Behind nginx every request comes from the proxy's address, so limits keyed on REMOTE_ADDR would be one
limit for the whole province. X-Forwarded-For is believed only when the request comes from a proxy
listed in TRUSTED_PROXIES, and then only as far as the chain stays inside trusted proxies: the right-most
address that is not itself a trusted proxy is the client (anything to its left was written by the
client and may be forged)."""

import functools
import ipaddress

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as exc:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {exc}") from None


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_address(request) -> str:
    """The address of whoever sent the request ("" when the server was not told one)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    hop = _address(remote)
    if hop is None or not networks:
        return remote
    # Several X-Forwarded-For headers reach Django joined by commas, in order.
    chain = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    while any(hop in network for network in networks) and chain:
        previous = _address(chain.pop())
        if previous is None:  # a trusted proxy never writes garbage: stop at the proxy itself
            break
        hop = previous
    return str(hop)
