from dxboard.core.client import client_address as address_of

from .context import client_address


class AuditContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The client's address, not the proxy's (X-Forwarded-For only from TRUSTED_PROXIES).
        token = client_address.set(address_of(request) or None)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)
