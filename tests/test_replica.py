"""Reading from a replica (ntm.replica): a second connection to the same test database plays the replica.

The "replica" alias is added for these tests only (as DATABASE_REPLICA_URL would, with TEST MIRROR
= "default"); the tests commit (transaction=True) so that the second connection sees the rows. Which
connection read what is told by capturing the queries of both.
"""

import copy
import datetime
import re

import pytest
import time_machine
from django.core.cache import cache
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from ntm import replica as replica_module
from ntm.replica import REPLICA
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

# Tables only the sign-in reads (users, sessions, tokens): always on the primary.
SIGN_IN_TABLES = {"auth_user", "django_session", "authtoken_token", "axes_accessattempt"}


@pytest.fixture
def replica(transactional_db):
    default = connections["default"].settings_dict
    connections.settings[REPLICA] = {**copy.deepcopy(default), "TEST": {**default["TEST"], "MIRROR": "default"}}
    cache.clear()
    # Connected now: Django's test case refuses to open a connection to an alias it was not told of,
    # and this one did not exist when the test case was set up.
    connections[REPLICA].connect()
    yield connections[REPLICA]
    connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]
    cache.clear()


@pytest.fixture
def people(tree, replica):
    return type(
        "People",
        (),
        dict(
            viewer=factories.make_user("xem.h", unit=tree.h, role=Role.VIEWER),
            colleague=factories.make_user("xem.h.2", unit=tree.h, role=Role.VIEWER),
        ),
    )


def _tables(captured) -> set[str]:
    return {table for query in captured for table in re.findall(r'FROM "(\w+)"', query["sql"])}


def _read(client, url, **kw):
    """GET `url`; the tables read on the primary (other than sign-in's) and on the replica."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections[REPLICA]) as replica,
    ):
        response = client.get(url, **kw)
    assert response.status_code == 200, response.content[:300]
    return _tables(primary.captured_queries) - SIGN_IN_TABLES, _tables(replica.captured_queries)


def _dashboard(tree):
    return reverse("dashboards:unit", kwargs={"era": tree.h.era, "code": tree.h.code})


def test_a_dashboard_reads_the_replica(client, tree, people):
    client.force_login(people.viewer)
    on_primary, on_replica = _read(client, _dashboard(tree))
    assert "communes_administrativeunit" in on_replica
    assert on_primary == set()


def test_after_a_post_the_same_user_reads_the_primary_and_others_the_replica(client, tree, people, settings):
    settings.NTM_REPLICA_PIN_SECONDS = 15
    client.force_login(people.viewer)
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert response.status_code == 302
    on_primary, on_replica = _read(client, _dashboard(tree))
    assert "communes_administrativeunit" in on_primary and on_replica == set()

    colleague = client_class_for(client)
    colleague.force_login(people.colleague)
    on_primary, on_replica = _read(colleague, _dashboard(tree))
    assert "communes_administrativeunit" in on_replica and on_primary == set()

    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=16)):  # the pin has expired
        on_primary, on_replica = _read(client, _dashboard(tree))
    assert "communes_administrativeunit" in on_replica and on_primary == set()


def test_the_read_api_reads_the_replica_and_a_token_user_who_wrote_reads_the_primary(client, tree, people):
    token = Token.objects.create(user=people.viewer)
    headers = {"Authorization": f"Token {token.key}"}
    url = reverse("api:unit", kwargs={"era": tree.a.era, "code": tree.a.code})
    on_primary, on_replica = _read(client, url, headers=headers)
    assert "communes_administrativeunit" in on_replica and on_primary == set()
    # A write through the API (refused or not, it is a POST by this token's user) pins them to the primary.
    client.post(reverse("api:assessment_create"), {}, headers=headers, content_type="application/json")
    on_primary, on_replica = _read(client, url, headers=headers)
    assert "communes_administrativeunit" in on_primary and on_replica == set()


def test_pages_outside_the_read_views_use_the_primary(client, tree, people):
    client.force_login(people.viewer)
    on_primary, on_replica = _read(client, reverse("web:unit", kwargs={"era": tree.h.era, "code": tree.h.code}))
    assert "communes_administrativeunit" in on_primary and on_replica == set()


def test_without_a_replica_everything_reads_the_primary(client, tree, transactional_db):
    viewer = factories.make_user("xem.h", unit=tree.h, role=Role.VIEWER)
    client.force_login(viewer)
    assert not replica_module.replica_configured()
    with CaptureQueriesContext(connections["default"]) as primary:
        assert client.get(_dashboard(tree)).status_code == 200
    assert "communes_administrativeunit" in _tables(primary.captured_queries)


def client_class_for(client):
    return type(client)()
