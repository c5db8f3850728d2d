"""SSRF guard for every URL the platform fetches on someone's word: a KPI pull endpoint the office typed,
an Open311 client's media_url. The fetch runs inside the province's network, so a URL must not reach the
platform itself or the internal network.

- Only http and https, with a host name.
- Every address the host resolves to must be public: loopback, private, link-local (the cloud metadata
  address 169.254.169.254), multicast, reserved, unspecified and shared (100.64/10) addresses are
  refused, as are IPv6 forms of them (IPv4-mapped, NAT64 are unwrapped first).
- Checked when an endpoint is saved (`check_url`) AND at fetch time: the opener resolves the host,
  checks the address and connects to that very address (so a DNS answer that changes between the
  check and the connection — rebinding — cannot slip through); every redirect is checked the same way;
  environment proxies are ignored.

`settings.OUTBOUND_ALLOWED_HOSTS` lists host names (as written in the URL) exempt from the address
check: empty in production; the tests put their local HTTP server's 127.0.0.1 there. An exempt host
is matched by name, so a redirect to `localhost` is still refused when only `127.0.0.1` is listed.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import urllib.request
from urllib.parse import urljoin, urlsplit

from django.conf import settings
from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message


class UnsafeURL(ValueError):
    """A URL the platform must not fetch (a Message)."""


def _allowed_hosts() -> set[str]:
    return {h.strip().lower().strip("[]") for h in getattr(settings, "OUTBOUND_ALLOWED_HOSTS", []) if h.strip()}


def is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        elif ip in ipaddress.ip_network("64:ff9b::/96"):  # NAT64: the IPv4 address is the last 32 bits
            ip = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip.is_global and not (ip.is_multicast or ip.is_private or ip.is_loopback or ip.is_link_local
                                 or ip.is_reserved or ip.is_unspecified)


def _split(url: str) -> tuple[str, str, int]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeURL(Message(gettext_noop("“%(url)s” is not a valid URL."), {"url": url})) from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL(Message(gettext_noop("Only http and https addresses may be fetched, not “%(url)s”."),
                                  {"url": url}))
    host = (parts.hostname or "").lower()
    if not host:
        raise UnsafeURL(Message(gettext_noop("“%(url)s” has no host."), {"url": url}))
    return scheme, host, port or (443 if scheme == "https" else 80)


def resolve(host: str, port: int) -> list[str]:
    """The addresses to connect to for `host`, each checked; UnsafeURL if any is not public."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeURL(Message(gettext_noop("The host “%(host)s” cannot be resolved."), {"host": host})) from exc
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    if host not in _allowed_hosts():
        for address in addresses:
            if not is_public(address):
                raise UnsafeURL(Message(gettext_noop(
                    "The host “%(host)s” resolves to %(address)s, an internal address: refused."),
                    {"host": host, "address": address}))
    return addresses


def check_url(url: str) -> list[str]:
    """Raise UnsafeURL unless `url` is http(s) and its host resolves only to public addresses (or is
    listed in OUTBOUND_ALLOWED_HOSTS). Returns the addresses."""
    _scheme, host, port = _split(url)
    return resolve(host, port)


def _connect(host: str, port: int, timeout, source_address) -> socket.socket:
    """Connect to a checked address of `host` (the one just resolved, not a second lookup)."""
    last = None
    for address in resolve(host, port):
        try:
            return socket.create_connection((address, port), timeout, source_address)
        except OSError as exc:
            last = exc
    raise last or OSError(f"no address for {host}")


class _HTTPConnection(http.client.HTTPConnection):
    def connect(self):
        self.sock = _connect(self.host, self.port, self.timeout, self.source_address)


class _HTTPSConnection(http.client.HTTPSConnection):
    def connect(self):
        sock = _connect(self.host, self.port, self.timeout, self.source_address)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


class _HTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req):
        return self.do_open(_HTTPConnection, req)


class _HTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req):
        return self.do_open(_HTTPSConnection, req, context=self._context)


class _RedirectHandler(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def http_error_302(self, req, fp, code, msg, headers):
        location = headers.get("location") or headers.get("uri")
        if location:
            check_url(urljoin(req.full_url, location))  # refused before any connection to the new place
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def opener() -> urllib.request.OpenerDirector:
    """An opener for http(s) only (no file:, ftp:, data:, no proxies from the environment) that connects
    only to checked addresses."""
    director = urllib.request.OpenerDirector()
    for handler in (urllib.request.UnknownHandler(), _HTTPHandler(), _HTTPSHandler(),
                    urllib.request.HTTPDefaultErrorHandler(), _RedirectHandler(),
                    urllib.request.HTTPErrorProcessor()):
        director.add_handler(handler)
    return director
