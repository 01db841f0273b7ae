"""Login throttling behind a reverse proxy: the client's address comes from the header the proxy writes."""

import pytest
from django.test import RequestFactory

from accounts.models import Role
from ntm.lib.client_ip import client_ip
from tests import factories
from tests.helpers import LOGIN

pytestmark = pytest.mark.django_db

PROXY = "10.9.9.9"  # every request reaches Django from the proxy


@pytest.fixture
def behind_one_proxy(settings):
    settings.NTM_PROXY_COUNT = 1
    settings.NTM_CLIENT_IP_HEADER = "X-Forwarded-For"


def sign_in(client, username, password, forwarded_for):
    return client.post(
        LOGIN, {"username": username, "password": password}, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded_for
    )


def test_two_clients_behind_one_proxy_are_locked_out_separately(client, tree, behind_one_proxy):
    factories.make_user("canbo.a", unit=tree.a, role=Role.COMMUNE_STAFF)
    codes = [sign_in(client, "canbo.a", "sai", "203.0.113.7").status_code for _ in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    assert sign_in(client, "canbo.a", "pw-canbo.a", "203.0.113.7").status_code == 429
    # The same account from another office, through the same proxy, still signs in.
    assert sign_in(client, "canbo.a", "pw-canbo.a", "198.51.100.20").status_code == 302


def test_a_client_cannot_escape_the_lock_by_sending_its_own_header(client, tree, behind_one_proxy):
    factories.make_user("canbo.a", unit=tree.a, role=Role.COMMUNE_STAFF)
    for n in range(5):
        # The proxy appends the real address after whatever the client wrote.
        sign_in(client, "canbo.a", "sai", f"1.2.3.{n}, 203.0.113.7")
    assert sign_in(client, "canbo.a", "pw-canbo.a", "5.6.7.8, 203.0.113.7").status_code == 429


def test_without_a_configured_proxy_the_header_is_ignored(client, tree):
    factories.make_user("canbo.a", unit=tree.a, role=Role.COMMUNE_STAFF)
    for n in range(5):
        sign_in(client, "canbo.a", "sai", f"203.0.113.{n}")
    assert sign_in(client, "canbo.a", "pw-canbo.a", "198.51.100.20").status_code == 429


@pytest.mark.parametrize(
    ("count", "header", "value", "expected"),
    [
        (0, "X-Forwarded-For", "203.0.113.7", PROXY),
        (1, "X-Forwarded-For", "203.0.113.7", "203.0.113.7"),
        (1, "X-Forwarded-For", "spoofed, 203.0.113.7", "203.0.113.7"),
        (2, "X-Forwarded-For", "203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "X-Forwarded-For", "10.0.0.2", PROXY),  # fewer entries than proxies: not through them all
        (1, "X-Forwarded-For", "not-an-address", PROXY),
        (1, "X-Forwarded-For", "2001:db8::1", "2001:db8::1"),
        (1, "X-Real-IP", "203.0.113.9", "203.0.113.9"),
    ],
)
def test_client_ip_takes_the_entry_the_trusted_proxies_wrote(settings, count, header, value, expected):
    settings.NTM_PROXY_COUNT, settings.NTM_CLIENT_IP_HEADER = count, header
    key = "HTTP_" + header.upper().replace("-", "_")
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **{key: value})
    assert client_ip(request) == expected
