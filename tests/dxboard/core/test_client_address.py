"""The client's address: X-Forwarded-For believed only from trusted proxies, and only up to the first
address that is not one."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from dxboard.core.client import client_address


def _address(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_address(RequestFactory().get("/", **extra))


def test_without_trusted_proxies_a_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_from_an_untrusted_address_a_forged_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_the_right_most_untrusted_address_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    # the phone forged "1.2.3.4"; nginx appended the phone's real address; a load balancer 10.1.2.3 too
    assert _address("127.0.0.1", "1.2.3.4, 198.51.100.9, 10.1.2.3") == "198.51.100.9"
    assert _address("127.0.0.1", "198.51.100.9") == "198.51.100.9"
    assert _address("127.0.0.1", "2001:db8::5") == "2001:db8::5"


def test_a_proxy_without_a_forwarded_header_is_the_client(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address("127.0.0.1") == "127.0.0.1"
    assert _address("127.0.0.1", "127.0.0.1") == "127.0.0.1"  # a chain of trusted proxies only


def test_garbage_in_the_chain_stops_at_the_last_good_hop(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert _address("127.0.0.1", "198.51.100.9, not-an-address") == "127.0.0.1"


def test_a_wrong_setting_is_told_by_its_name(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "nginx-box"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _address("127.0.0.1", "198.51.100.9")
