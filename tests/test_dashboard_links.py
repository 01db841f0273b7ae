"""A dashboard links to its own area a dozen times (tabs, sortable headers, pages, exports): the paths
are reversed once per process (dashboards.area.dashboard_path), and the headers come from one loop."""

import re

import pytest
from django.urls import reverse

from dashboards import area as area_module
from tests.factories import make_approved, make_flow_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def board_url(tree, cast, client):
    cs = make_flow_set(cast.department, code="xa-ntm-links")
    make_approved(cast, cs, tree.a)
    client.force_login(cast.reviewer)
    return reverse("dashboards:unit", args=[tree.h.era, tree.h.code])


def test_a_dashboard_s_own_links_are_reversed_once_per_process(client, board_url, monkeypatch):
    area_module.dashboard_path.cache_clear()
    calls = []
    real = area_module.reverse
    monkeypatch.setattr(area_module, "reverse", lambda *a, **kw: calls.append(a) or real(*a, **kw))
    first = client.get(board_url)
    assert first.status_code == 200
    once = len(calls)
    assert 0 < once <= 8  # one per distinct page of the area (unit, heatmap, holdbacks, trend, exports…)
    assert client.get(board_url + "?sort=-criteria").status_code == 200
    assert len(calls) == once  # the second request reverses nothing


def test_the_sortable_headers_keep_their_order_links_and_current_sort(client, board_url):
    html = client.get(board_url + "?sort=-criteria").content.decode()
    headers = re.findall(
        r'<th scope="col" class="text-nowrap"( aria-sort="\w+")?><a class="sort-link" '
        r'href="([^"]*)" data-testid="sort-(\w+)">([^<]*)</a>',
        html,
    )
    assert [h[2] for h in headers] == ["name", "criteria", "indicators", "status", "as_of", "pending"]
    assert [h[3].strip() for h in headers][:3] == ["Xã", "Tiêu chí đạt ▼", "Chỉ tiêu đạt"]
    criteria = headers[1]
    assert criteria[0] == ' aria-sort="descending"' and "sort=criteria" in criteria[1]
    assert all(h[0] == "" for h in headers if h[2] != "criteria")


def test_a_province_of_the_old_tree_listing_communes_shows_their_district(client, tree, cast):
    cs = make_flow_set(cast.department, code="xa-ntm-links")
    make_approved(cast, cs, tree.a)
    client.force_login(cast.province_reviewer)
    html = client.get(reverse("dashboards:unit", args=[tree.p.era, tree.p.code]) + "?view=communes").content.decode()
    assert re.findall(r'data-testid="sort-(\w+)"', html)[:2] == ["name", "parent"]
