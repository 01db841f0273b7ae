"""The dashboards' data cache (ntm.lib.data_version): a hit skips the data queries, and every write that
can change what a dashboard, the commune page or the summary API shows makes the cached entry
unreachable: submit, return, approve, reopen, withdraw, bulk writes, the latest-approved refresh,
changes of units, commune groups and criteria sets. A draft's own edits do not."""

import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments import services
from assessments.bulk import AssessmentSpec, assessments_bulk_create
from assessments.models import Assessment, Status
from assessments.services.latest import latest_approved_refresh
from communes.models import AdministrativeUnit
from dashboards import data
from ntm.lib import data_version
from tests.factories import ANSWERS, make_approved, make_draft, make_flow_set, make_submitted

pytestmark = pytest.mark.django_db

AS_OF = "2024-12-31"
TOKEN = re.compile(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+')


@pytest.fixture
def set_s(cast):
    return make_flow_set(code="bo-s", name="Bộ tiêu chí S")


def pages(tree, set_s):
    """Every cached page: the district (commune rows), the province and the country (summaries by child
    unit), the current-era province; the commune page (cached per unit and scope) and the summary API."""

    def dash(unit):
        return (
            reverse("dashboards:unit", kwargs={"era": unit.era, "code": unit.code}) + f"?set={set_s.code}&as_of={AS_OF}"
        )

    return {
        "district": dash(tree.h),
        "province": dash(tree.p),
        "current_province": dash(tree.p_new),
        "national": reverse("dashboards:national", kwargs={"era": "pre2025"}) + f"?set={set_s.code}&as_of={AS_OF}",
        "commune": reverse("web:unit", kwargs={"era": tree.a.era, "code": tree.a.code}),
        "summary_api": reverse("api:unit_summary", kwargs={"era": tree.a.era, "code": tree.a.code})
        + f"?set={set_s.code}",
    }


def read_all(client, user, urls) -> dict:
    client.force_login(user)
    answers = {}
    for name, address in urls.items():
        response = client.get(address)
        # The summary API answers 404 once the commune has no approved assessment left (after a reopen).
        assert response.status_code == 200 or (name == "summary_api" and response.status_code == 404), name
        answers[name] = (
            response.status_code,
            TOKEN.sub(b"", response.content),
        )  # the CSRF token is masked anew on every request
    return answers


def test_a_hit_skips_the_data_queries_and_the_building(client, cast, tree, set_s, monkeypatch):
    make_approved(cast, set_s, tree.a)
    client.force_login(cast.superuser)
    address = pages(tree, set_s)["district"]
    with CaptureQueriesContext(connection) as miss:
        assert client.get(address).status_code == 200
    monkeypatch.setattr(data, "build_dashboard", lambda *a, **kw: pytest.fail("built on a hit"))
    with CaptureQueriesContext(connection) as hit:
        response = client.get(address)
    assert response.status_code == 200 and "Xã A" in response.content.decode()
    # The session and the user only (the superuser's scope needs no membership query).
    assert len(hit.captured_queries) <= 3 < len(miss.captured_queries)


def test_a_hit_serves_the_rendered_content_without_rendering_the_table_again(client, cast, tree, set_s, monkeypatch):
    from dashboards.templatetags import dashboards_ui

    make_approved(cast, set_s, tree.a)
    client.force_login(cast.superuser)
    address = pages(tree, set_s)["district"]
    first = client.get(address)
    monkeypatch.setattr(dashboards_ui, "commune_rows_html", lambda *a, **kw: pytest.fail("rendered on a hit"))
    again = client.get(address)
    assert TOKEN.sub(b"", again.content) == TOKEN.sub(b"", first.content)
    # Another user with the district in scope gets the same content, under their own header.
    client.force_login(cast.reviewer)
    theirs = client.get(address).content.decode()
    assert 'data-testid="commune-row"' in theirs and cast.reviewer.username in theirs


def test_the_content_cache_keeps_languages_and_queries_apart(client, cast, tree, set_s):
    make_approved(cast, set_s, tree.a)
    client.force_login(cast.superuser)
    address = pages(tree, set_s)["district"]
    vietnamese = client.get(address).content.decode()
    client.cookies["django_language"] = "en"
    english = client.get(address).content.decode()
    assert "Bảng theo dõi nông thôn mới" in vietnamese and "Bảng theo dõi nông thôn mới" not in english
    del client.cookies["django_language"]
    filtered = client.get(address + "&status=none").content.decode()
    assert 'data-testid="commune-row"' in vietnamese and 'data-code="' + tree.a.code + '"' not in filtered


def test_the_criteria_set_menu_is_cached_with_the_data(cast, tree, set_s, monkeypatch):
    from dashboards import selectors
    from dashboards.area import Area

    make_approved(cast, set_s, tree.a)
    first = selectors.set_choices(Area("pre2025", tree.h))
    monkeypatch.setattr(selectors, "build_set_choices", lambda area: pytest.fail("counted again"))
    assert (
        [(s.code, s.approved_count) for s in selectors.set_choices(Area("pre2025", tree.h))]
        == [(s.code, s.approved_count) for s in first]
        == [("bo-s", 1)]
    )


def test_with_the_cache_off_every_request_builds(client, cast, tree, set_s, settings):
    settings.NTM_DATA_CACHE_SECONDS = 0
    make_approved(cast, set_s, tree.a)
    client.force_login(cast.superuser)
    address = pages(tree, set_s)["district"]
    client.get(address)
    with CaptureQueriesContext(connection) as again:
        client.get(address)
    assert len(again.captured_queries) > 3


WRITES = {
    "submit": lambda cast, tree, set_s, s: services.assessment_submit(assessment=s["draft"], by=cast.staff),
    "return": lambda cast, tree, set_s, s: services.assessment_return(
        assessment=s["submitted"], by=cast.province_reviewer, reason="Thiếu biên bản."
    ),
    "approve": lambda cast, tree, set_s, s: services.assessment_approve(
        assessment=s["submitted"], by=cast.province_reviewer, confirm_unverified=True
    ),
    "reopen": lambda cast, tree, set_s, s: services.assessment_reopen(
        assessment=s["approved"], by=cast.superuser, reason="Sai số liệu."
    ),
    "withdraw": lambda cast, tree, set_s, s: services.assessment_withdraw(assessment=s["submitted"], by=cast.staff),
    "unit renamed": lambda cast, tree, set_s, s: _rename(tree.a, "Xã A đổi tên"),
    "set renamed": lambda cast, tree, set_s, s: _rename(set_s, "Bộ tiêu chí S (sửa)"),
}


def _rename(obj, name):
    obj.name = name
    obj.save()


@pytest.mark.parametrize("write", list(WRITES))
def test_every_write_a_page_shows_changes_the_cached_pages(client, cast, tree, set_s, write):
    state = {"approved": make_approved(cast, set_s, tree.a, as_of=datetime.date(2024, 3, 31))}
    if write in ("submit",):
        state["draft"] = make_draft(cast, set_s, tree.a, as_of=datetime.date(2024, 9, 30))
    if write in ("return", "approve", "withdraw"):
        state["submitted"] = make_submitted(
            cast, set_s, tree.a, as_of=datetime.date(2024, 9, 30), answers={**ANSWERS, "1.2": {"met": True}}
        )
    urls = pages(tree, set_s)
    before = read_all(client, cast.superuser, urls)
    assert read_all(client, cast.superuser, urls) == before  # served again (from the cache where cached)
    version = data_version.current()
    WRITES[write](cast, tree, set_s, state)
    assert data_version.current() != version
    after = read_all(client, cast.superuser, urls)
    # The district's commune rows show every one of these writes (status counts, figures, names, set).
    assert after["district"] != before["district"], write
    if write in ("approve", "reopen", "set renamed"):  # the figures (or the set) above the district
        assert after["province"] != before["province"] and after["national"] != before["national"], write
    if write in ("approve", "reopen", "unit renamed"):
        assert after["commune"] != before["commune"] and after["summary_api"] != before["summary_api"], write


def test_bulk_writes_and_the_latest_approved_refresh_change_the_cached_pages(client, cast, tree, set_s):
    approved = make_approved(cast, set_s, tree.a, as_of=datetime.date(2024, 3, 31))
    urls = {
        name: address for name, address in pages(tree, set_s).items() if name in ("district", "province", "national")
    }
    before = read_all(client, cast.superuser, urls)
    # A write that sends no signal (the app never writes so; a script might), then the refresh.
    Assessment.objects.filter(pk=approved.pk).update(status=Status.SUBMITTED, is_latest_approved=False)
    assert read_all(client, cast.superuser, urls)["district"] == before["district"]  # unseen: no bump
    latest_approved_refresh(scope=Q(commune_id=tree.a.pk, criteria_set_id=set_s.pk))
    refreshed = read_all(client, cast.superuser, urls)
    assert refreshed["district"] != before["district"] and refreshed["national"] != before["national"]
    # The bulk writer (demo data, synthetic data) flags what it wrote and bumps the version.
    version = data_version.current()
    spec = AssessmentSpec(
        commune=tree.b,
        criteria_set=set_s,
        as_of=datetime.date(2024, 6, 1),
        status=Status.APPROVED,
        answers={
            "1.1": {"met": True},
            "1.2": {"met": True},
            "2.1": {"value": Decimal("90")},
            "2.2": {"met": True},
            "3": {"met": True},
        },
    )
    assessments_bulk_create([spec], is_demo=True)
    assert data_version.current() != version
    assert read_all(client, cast.superuser, urls)["district"] != refreshed["district"]


def test_a_commune_group_change_changes_the_version(cast, tree):
    from communes.models import CommuneGroup

    version = data_version.current()
    unit = AdministrativeUnit.objects.get(pk=tree.n.pk)
    unit.commune_group = CommuneGroup.choices[0][0]
    unit.save(update_fields=["commune_group"])
    assert data_version.current() != version


def test_a_draft_s_own_edits_keep_the_cache(cast, tree, set_s):
    draft = make_draft(cast, set_s, tree.a, answers=None)
    version = data_version.current()
    services.indicator_results_update(assessment=draft, entries=ANSWERS, by=cast.staff)
    assert data_version.current() == version
    # Its status changing does change it.
    services.assessment_submit(assessment=draft, by=cast.staff)
    assert data_version.current() != version


def test_a_write_bumps_the_version_again_when_its_transaction_commits(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        data_version.bump()
        during = data_version.current()
    assert len(callbacks) == 1 and data_version.current() != during


def test_the_cache_lifetime_is_read_from_the_environment():
    import os
    import subprocess
    import sys

    code = "import django; django.setup(); from ntm.lib import data_version; print(data_version.seconds())"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "ntm.settings", "NTM_DATA_CACHE_SECONDS": "0"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"
