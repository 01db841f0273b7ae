"""The API's query counts are pinned and do not grow with a set's size or a commune's history."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Role
from tests import factories
from tests.factories import make_assessment, make_big_set
from tests.helpers import all_codes

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
# session, user, memberships (scope), commune, set, assessment, the set's criteria names (the met-form)
SUMMARY_QUERIES = 7
# The same summary again, from the cache (ntm.lib.data_version): session, user, memberships
SUMMARY_HIT_QUERIES = 3
# session, user, set with its counts, criteria with departments, indicators, target variants
TREE_QUERIES = 6


@pytest.fixture
def reviewer(tree, client):
    user = factories.make_user(unit=tree.h, role=Role.REVIEWER)
    client.force_login(user)
    return user


def summary_url(commune, criteria_set):
    return f"{BASE}/units/{commune.era}/{commune.code}/summary/?set={criteria_set.code}"


def test_the_summary_costs_the_same_for_a_small_and_a_national_size_set(
    client, tree, reviewer, django_assert_num_queries
):
    small, big = factories.make_set(), make_big_set(19, 5)
    make_assessment(tree.a, small, datetime.date(2023, 12, 31), met=all_codes(small))
    make_assessment(tree.a, big, datetime.date(2023, 12, 31), met=all_codes(big)[:40])
    for criteria_set, criteria_total in ((small, 3), (big, 19)):
        with django_assert_num_queries(SUMMARY_QUERIES):
            response = client.get(summary_url(tree.a, criteria_set))
        assert response.status_code == 200 and response.json()["criteria_total"] == criteria_total


def test_the_summary_costs_the_same_for_one_and_ten_assessments(client, tree, reviewer, django_assert_num_queries):
    criteria_set = factories.make_set()
    make_assessment(tree.a, criteria_set, datetime.date(2015, 12, 31))
    for year in range(2016, 2025):
        make_assessment(tree.b, criteria_set, datetime.date(year, 12, 31))
    for commune, as_of in ((tree.a, "2015-12-31"), (tree.b, "2024-12-31")):
        with django_assert_num_queries(SUMMARY_QUERIES):
            response = client.get(summary_url(commune, criteria_set))
        assert response.json()["as_of"] == as_of


def test_the_summary_asked_again_is_served_from_the_cache(client, tree, reviewer, django_assert_num_queries):
    criteria_set = factories.make_set()
    make_assessment(tree.a, criteria_set, datetime.date(2023, 12, 31), met=all_codes(criteria_set))
    first = client.get(summary_url(tree.a, criteria_set)).json()
    with django_assert_num_queries(SUMMARY_HIT_QUERIES):
        assert client.get(summary_url(tree.a, criteria_set)).json() == first
    # Not found is cached as not found, with its message in the user's language.
    other = factories.make_set()
    for expected in (SUMMARY_QUERIES - 1, SUMMARY_HIT_QUERIES):  # no assessment: no criteria names to read
        with django_assert_num_queries(expected):
            response = client.get(summary_url(tree.a, other))
        assert response.status_code == 404 and "được duyệt" in response.json()["detail"]


def test_a_user_outside_the_scope_never_gets_a_cached_summary(client, tree):
    criteria_set = factories.make_set()
    make_assessment(tree.a, criteria_set, datetime.date(2023, 12, 31), met=all_codes(criteria_set))
    client.force_login(factories.make_user(unit=tree.h, role=Role.REVIEWER))
    assert client.get(summary_url(tree.a, criteria_set)).status_code == 200
    client.force_login(factories.make_user(unit=tree.n, role=Role.REVIEWER))
    assert client.get(summary_url(tree.a, criteria_set)).status_code == 404


def test_the_summary_reads_only_the_stored_summary(client, tree, reviewer):
    criteria_set = make_big_set(19, 5)
    make_assessment(tree.a, criteria_set, datetime.date(2023, 12, 31), met=all_codes(criteria_set))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(summary_url(tree.a, criteria_set)).json()["meets_standard"] is True
    tables = " ".join(q["sql"].lower() for q in queries.captured_queries)
    assert "assessments_assessment" in tables
    # The criteria's names (one query, for `met` and `sentence_met`), never the results or the indicators.
    assert "indicatorresult" not in tables and "criteria_indicator" not in tables


def test_the_set_tree_costs_the_same_whatever_its_size(client, reviewer, django_assert_num_queries):
    small, big = factories.make_set(), make_big_set(19, 5)
    for indicator in big.indicators.filter(code__endswith=".1"):
        variants = [{"region": "btb", "value": 70}, {"region": "dbsh", "value": 75}]
        factories.make_numeric(big, indicator.code, variants=variants)
    for criteria_set, criteria_total in ((small, 3), (big, 19)):
        with django_assert_num_queries(TREE_QUERIES):
            body = client.get(f"{BASE}/criteria-sets/{criteria_set.code}/").json()
        assert len(body["criteria"]) == criteria_total
    assert len(body["criteria"][18]["indicators"][0]["targets"]) == 2


def test_the_set_list_is_one_query_for_its_rows(client, reviewer, django_assert_num_queries):
    for _ in range(5):
        factories.make_set(province=reviewer.memberships.get().unit.parent, derived_from=factories.make_set())
    # session, user, count, rows
    with django_assert_num_queries(4):
        assert client.get(f"{BASE}/criteria-sets/").json()["count"] == 10


def test_unit_pages_cost_a_fixed_number_of_queries(client, tree, reviewer, django_assert_num_queries):
    for _ in range(5):
        factories.make_unit(parent=tree.h)
    # session, user, memberships, unit with parent, children, predecessors, successors
    with django_assert_num_queries(7):
        assert len(client.get(f"{BASE}/units/pre2025/443/").json()["children"]) == 7
    # session, user, memberships, count, rows with parents
    with django_assert_num_queries(5):
        assert client.get(f"{BASE}/units/", {"era": "pre2025"}).json()["count"] == 8
