"""The steering committee's dashboards: roll-up figures against hand-computed values, as-of dates,
pending work, lineage across the 2025 merge, sorting and filters, heatmap, holdbacks, trend, the
xlsx and print reports, scope, and a query count that does not grow with the number of communes.

`dashboard_world` (tests/conftest.py; set S: criteria 1 {1.1, 1.2}, 2 {2.1, 2.2}, 3 {3}), district H of province P:
  Xã Đông (A)  approved 31/03/2024 1/3 · approved 30/09/2024 3/3 · submitted 31/12/2024
  Xã Yên  (B)  approved 30/06/2024 2/3 (fails 3) · returned 31/12/2024
  Xã Ái   (D)  nothing
  Xã Bình (E)  approved 15/02/2024 1/3 (fails 2, 3) · draft 31/12/2024
district H2: Xã C approved 30/06/2024 3/3; after the merge, Xã N (2025) approved 30/09/2025 2/3.
"""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments.models import Status
from criteria.models import CriteriaSet
from dashboards import selectors
from tests import factories
from tests.factories import make_district, make_summarised_assessment
from tests.helpers import AS_OF, dashboard_url, get_as, iso_date, queries_for, row_codes

pytestmark = pytest.mark.django_db


def figure(response, testid) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</div>', response.content.decode(), re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", match.group(1)).split())


# Roll-up figures


def test_headline_figures_match_the_hand_computed_ones(client, dashboard_world):
    board = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h)).context["board"]
    h = board.headline
    assert (h.communes, h.assessed, h.reaching, h.short_one, h.short_two, h.not_assessed) == (4, 3, 1, 1, 1, 1)
    assert h.average == pytest.approx(2.0)


def test_average_is_written_the_vietnamese_way(client, dashboard_world):
    response = get_as(
        client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of="2024-06-30")
    )
    assert figure(response, "fig-average") == "1,3"  # (1 + 2 + 1) / 3


def test_as_of_date_takes_the_latest_approved_on_or_before_it(client, dashboard_world):
    board = get_as(
        client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of="2024-03-31")
    ).context["board"]
    met = {r.commune.code: r.summary["criteria_met"] if r.summary else None for r in board.all_rows}
    assert met == {"18436": 1, "18439": None, "18441": None, "18442": 1}


def met_by_code(response) -> dict:
    return {
        r.commune.code: r.summary["criteria_met"] if r.summary else None for r in response.context["board"].all_rows
    }


def test_today_reads_the_stored_latest_approval_not_the_history(client, dashboard_world, monkeypatch):
    today, yesterday = timezone.localdate(), timezone.localdate() - datetime.timedelta(days=1)
    ranked = met_by_code(
        get_as(
            client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of=yesterday.isoformat())
        )
    )
    monkeypatch.setattr(selectors, "_ranked", lambda *a, **kw: pytest.fail("ranked the history for today"))
    stored = met_by_code(
        get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of=today.isoformat()))
    )
    assert stored == ranked == {"18436": 3, "18439": 2, "18441": None, "18442": 1}


def test_an_approval_dated_ahead_of_the_chosen_day_gives_way_to_the_one_before(client, dashboard_world):
    today = timezone.localdate()
    make_summarised_assessment(dashboard_world.t.a, dashboard_world.cs, today + datetime.timedelta(days=30), {"1.1"})
    now = met_by_code(
        get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of=today.isoformat()))
    )
    ahead = met_by_code(
        get_as(
            client,
            dashboard_world.cast.viewer,
            dashboard_url("unit", dashboard_world.t.h, as_of=(today + datetime.timedelta(days=30)).isoformat()),
        )
    )
    assert (now["18436"], ahead["18436"]) == (3, 2)


def test_dates_may_be_typed_the_vietnamese_way(client, dashboard_world):
    response = get_as(
        client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, as_of="31/03/2024")
    )
    assert response.context["query"]["as_of"] == iso_date("2024-03-31")
    assert response.context["board"].headline.assessed == 2


def test_change_since_a_date_is_the_difference_of_the_figures(client, dashboard_world):
    response = get_as(
        client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, since="2024-06-30")
    )
    change = response.context["board"].change
    assert change == {"reaching": 1, "average": Decimal("0.7"), "short_one": 0, "short_two": -1, "not_assessed": 0}
    assert figure(response, "chg-average").startswith("+0,7")
    assert figure(response, "chg-short-two").startswith("−1")


def test_pending_work_shows_submitted_and_returned_not_drafts(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h))
    rows = {r.commune.code: r.pending for r in response.context["board"].all_rows}
    assert (rows["18436"].submitted, rows["18436"].returned) == (1, 0)
    assert (rows["18439"].submitted, rows["18439"].returned) == (0, 1)
    assert rows["18442"] is None  # a draft is not work waiting for anyone else
    assert response.content.decode().count('data-testid="pending-submitted"') == 1
    assert response.content.decode().count('data-testid="pending-returned"') == 1


def test_province_dashboard_adds_the_other_district_and_names_it(client, dashboard_world):
    response = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p, view="communes")
    )
    board = response.context["board"]
    assert (board.headline.communes, board.headline.reaching) == (5, 2)
    assert {r.parent_name for r in board.all_rows} == {"Huyện H", "Huyện H2"}


def test_a_2025_unit_uses_only_its_2025_communes_assessments(client, dashboard_world):
    board = get_as(
        client, dashboard_world.cast.superuser, dashboard_url("unit", dashboard_world.t.p_new, as_of="2025-12-31")
    ).context["board"]
    assert [r.commune.code for r in board.all_rows] == ["18436"]
    assert board.all_rows[0].summary["criteria_met"] == 2
    assert (board.headline.communes, board.headline.reaching) == (1, 0)


def test_set_choice_defaults_to_the_set_with_most_approved_assessments(client, dashboard_world):
    other = factories.make_set(code="bo-khac", name="Bộ khác")
    make_summarised_assessment(dashboard_world.t.a, other, iso_date("2024-05-01"))
    board = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h)).context["board"]
    assert [cs.code for cs in board.sets] == ["bo-s", "bo-khac"]
    assert board.criteria_set.code == "bo-s"
    chosen = get_as(
        client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, set="bo-khac")
    ).context["board"]
    assert chosen.criteria_set.code == "bo-khac" and chosen.headline.reaching == 1


def test_set_choice_defaults_to_the_newest_period_with_approved_assessments(client, dashboard_world):
    CriteriaSet.objects.filter(code="bo-s").update(period_start=2016, period_end=2020)
    newer = factories.make_set(code="bo-moi", name="Bộ mới", period_start=2021, period_end=2025)
    unused = factories.make_set(code="bo-chua-duyet", name="Bộ chưa duyệt", period_start=2026, period_end=2030)
    make_summarised_assessment(dashboard_world.t.a, newer, iso_date("2024-05-01"))
    make_summarised_assessment(dashboard_world.t.a, unused, iso_date("2024-05-01"), status=Status.SUBMITTED)
    board = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h)).context["board"]
    assert [cs.code for cs in board.sets] == ["bo-moi", "bo-s", "bo-chua-duyet"]
    assert board.criteria_set.code == "bo-moi"


# Sort and filters


def test_names_sort_in_vietnamese_order(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h))
    assert row_codes(response) == ["18441", "18442", "18436", "18439"]  # Ái, Bình, Đông, Yên


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("-criteria", ["18436", "18439", "18442", "18441"]),
        ("criteria", ["18441", "18442", "18439", "18436"]),
        ("-name", ["18439", "18436", "18442", "18441"]),
        ("status", ["18441", "18442", "18439", "18436"]),  # ties (Bình, Yên: chưa đạt) stay alphabetical
        ("-as_of", ["18436", "18439", "18442", "18441"]),
        ("-pending", ["18436", "18439", "18441", "18442"]),
    ],
)
def test_sort_by_any_column(client, dashboard_world, sort, expected):
    assert (
        row_codes(get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, sort=sort)))
        == expected
    )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"status": "met"}, ["18436"]),
        ({"status": "unmet"}, ["18442", "18439"]),
        ({"status": "none"}, ["18441"]),
        ({"min": "2"}, ["18436", "18439"]),
        ({"max": "1"}, ["18442"]),
        ({"q": "dong"}, ["18436"]),
        ({"fails": "3"}, ["18442", "18439"]),
        ({"fails_indicator": "2.1"}, ["18442"]),
        ({"status": "bogus", "min": "x"}, ["18441", "18442", "18436", "18439"]),
    ],
)
def test_filters(client, dashboard_world, query, expected):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, **query))
    assert row_codes(response) == expected
    assert response.context["board"].headline.communes == 4  # the figures are the unit's, not the filter's


# Heatmap, holdbacks, trend


def test_heatmap_cells_come_from_the_stored_unmet_list(client, dashboard_world):
    response = get_as(
        client,
        dashboard_world.cast.viewer,
        dashboard_url("unit", dashboard_world.t.h).replace("/dashboard/", "/dashboard/heatmap/"),
    )
    grid = {row.commune.code: [state for state, _n, _t in cells] for row, cells in response.context["grid"]}
    assert grid == {
        "18436": ["met", "met", "met"],
        "18439": ["met", "met", "unmet"],
        "18441": ["none", "none", "none"],
        "18442": ["met", "unmet", "unmet"],
    }
    html = response.content.decode()
    assert 'href="/units/pre2025/18439/#crit-bo-s-3" title="3. Thu nhập: Chưa đạt"' in html


def test_commune_page_has_the_anchor_the_heatmap_links_to(client, dashboard_world):
    client.force_login(dashboard_world.cast.viewer)
    response = client.get(reverse("web:unit", kwargs={"era": "pre2025", "code": "18439"}))
    assert 'id="crit-bo-s-3"' in response.content.decode()


def test_holdbacks_count_failing_communes_per_criterion_and_indicator(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("holdbacks", dashboard_world.t.h))
    criteria = [(h.key, h.failing, round(h.share, 2)) for h in response.context["by_criterion"]]
    assert criteria == [("3", 2, 0.67), ("2", 1, 0.33), ("1", 0, 0.0)]
    indicators = {h.key: h.failing for h in response.context["by_indicator"]}
    assert indicators == {"3": 2, "2.1": 1, "2.2": 1, "1.1": 0, "1.2": 0}
    assert response.context["by_criterion"][0].url.endswith("fails=3")


def test_trend_per_quarter(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("trend", dashboard_world.t.h))
    periods = [(p.end.isoformat(), p.assessed, p.average, p.reaching) for p in response.context["periods"]]
    assert periods == [
        ("2024-03-31", 2, 1.0, 0),
        ("2024-06-30", 3, Decimal("1.3"), 0),
        ("2024-09-30", 3, 2.0, 1),
        ("2024-12-31", 3, 2.0, 1),
    ]
    assert response.context["periods"][0].label == "Quý 1/2024"


def test_trend_per_year(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("trend", dashboard_world.t.h, by="year"))
    assert [(p.label, p.average, p.reaching) for p in response.context["periods"]] == [("2024", 2.0, 1)]


# Reports


def test_xlsx_has_the_table_and_the_heatmap(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("xlsx", dashboard_world.t.h, sort="-criteria"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    table, heat = book["Bảng theo dõi"], book["Bản đồ nhiệt"]
    headers = [c.value for c in table[3]]
    assert headers[:4] == ["STT", "Xã", "Tiêu chí đạt", "Tổng số tiêu chí"]
    assert "Ngày đánh giá" in headers and "Công nhận" in headers
    rows = [[c.value for c in row][:8] for row in table.iter_rows(min_row=4)]
    assert rows[0][:7] == [1, "Xã Đông", 3, 3, 5, 5, "Đạt chuẩn"]
    assert rows[0][7].date() == iso_date("2024-09-30")
    assert [r[1] for r in rows] == ["Xã Đông", "Xã Yên", "Xã Bình", "Xã Ái"]
    assert rows[3][2:7] == [None, None, None, None, "Chưa đánh giá"]
    assert table.freeze_panes == "A4" and heat.freeze_panes == "B4"
    assert [c.value for c in heat[3]] == ["Xã", "1. Quy hoạch", "2. Giao thông", "3. Thu nhập"]
    assert [c.value for c in heat[5]] == ["Xã Yên", "Đạt", "Đạt", "Chưa đạt"]
    assert [c.value for c in heat[7]] == ["Xã Ái", "Chưa đánh giá", "Chưa đánh giá", "Chưa đánh giá"]
    rules = [rule for rng in heat.conditional_formatting for rule in rng.rules]
    assert {rule.formula[0] for rule in rules} == {'"Đạt"', '"Chưa đạt"', '"Chưa đánh giá"'}


def test_xlsx_follows_the_filters(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("xlsx", dashboard_world.t.h, status="unmet"))
    table = load_workbook(io.BytesIO(response.content))["Bảng theo dõi"]
    assert [row[1].value for row in table.iter_rows(min_row=4)] == ["Xã Bình", "Xã Yên"]


def test_print_report_has_figures_table_and_report_sentences(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("print", dashboard_world.t.h))
    html = " ".join(response.content.decode().split())
    assert "@page" in open("static/dashboards/print.css").read()
    assert "navbar" not in html
    assert (
        "Xã Yên đạt 2/3 tiêu chí, 4/5 chỉ tiêu xây dựng NTM. "
        "Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: tiêu chí thu nhập." in html
    )
    assert html.count('data-testid="print-row"') == 4


# Recognition (roadmap app)


def test_recognised_commune_below_the_standard_is_flagged(client, dashboard_world):
    from roadmap.models import Recognition

    for commune in (dashboard_world.t.a, dashboard_world.t.b):
        Recognition.objects.create(
            commune=commune,
            level="ntm",
            decision_number="12/QĐ-UBND",
            decision_date=iso_date("2023-12-01"),
            issuing_body="UBND tỉnh P",
        )
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h))
    rows = {r.commune.code: r for r in response.context["board"].all_rows}
    assert rows["18439"].at_risk and not rows["18436"].at_risk
    html = response.content.decode()
    assert html.count('data-testid="at-risk"') == 1
    assert "Đã công nhận Nông thôn mới · QĐ 12/QĐ-UBND" in html


# Scope


PAGES = ["unit", "heatmap", "holdbacks", "trend", "xlsx", "print"]


@pytest.mark.parametrize("page", PAGES)
def test_a_reviewer_of_another_district_gets_404(client, dashboard_world, page):
    assert get_as(client, dashboard_world.cast.outsider, dashboard_url(page, dashboard_world.t.h)).status_code == 404
    assert get_as(client, dashboard_world.cast.outsider, dashboard_url(page, dashboard_world.t.h2)).status_code == 200


@pytest.mark.parametrize("page", PAGES)
def test_a_district_reviewer_cannot_open_the_province(client, dashboard_world, page):
    assert get_as(client, dashboard_world.cast.reviewer, dashboard_url(page, dashboard_world.t.p)).status_code == 404


def test_outsider_rows_never_include_communes_of_another_district(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.outsider, dashboard_url("unit", dashboard_world.t.h2))
    assert row_codes(response) == ["18500"]


def test_national_view_is_for_superusers_only(client, dashboard_world):
    path = reverse("dashboards:national", kwargs={"era": "pre2025"}) + f"?as_of={AS_OF}&view=communes"
    assert get_as(client, dashboard_world.cast.province_reviewer, path).status_code == 404
    response = get_as(client, dashboard_world.cast.superuser, path)
    assert response.context["board"].headline.communes == 5
    assert "Huyện H, Tỉnh P" in response.content.decode()


def test_commune_dashboard_redirects_to_the_commune_page(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.a))
    assert response.status_code == 302 and response["Location"] == "/units/pre2025/18436/"


def test_unit_page_links_to_its_dashboard(client, dashboard_world):
    client.force_login(dashboard_world.cast.viewer)
    html = client.get(reverse("web:unit", kwargs={"era": "pre2025", "code": "443"})).content.decode()
    assert reverse("dashboards:unit", kwargs={"era": "pre2025", "code": "443"}) in html


# Queries: the same number for 5 and for 500 communes


# session, user, unit, set choices, communes, latest approved, recognitions (roadmap) are common; then
# unit: pending, latest at ?since · heatmap: criteria · holdbacks: criteria, indicators · xlsx: pending,
# criteria · print: pending · trend: only session, user, unit, set choices and the approved history.
@pytest.mark.parametrize(
    ("page", "extra", "expected"),
    [
        ("unit", {"since": "2024-06-30"}, 9),
        ("unit", {"as_of": "today"}, 8),
        ("heatmap", {}, 8),
        ("holdbacks", {}, 9),
        ("trend", {}, 5),
        ("xlsx", {}, 9),
        ("print", {}, 9),  # + the set's criteria names (the sentences' met-form)
    ],
)
def test_query_count_does_not_grow_with_the_communes(client, dashboard_world, page, extra, expected):
    if extra.get("as_of") == "today":  # the stored latest-approved flag rather than the ranked history
        extra = {"as_of": timezone.localdate().isoformat()}
    small, big = (
        make_district(dashboard_world.t.p, 5, dashboard_world.cs),
        make_district(dashboard_world.t.p, 500, dashboard_world.cs),
    )
    client.force_login(dashboard_world.cast.superuser)
    counts = [queries_for(client, dashboard_url(page, district, **extra)) for district in (small, big)]
    assert counts == [expected, expected]


def test_a_province_export_is_built_as_a_background_job_and_offered_on_its_page(
    client, dashboard_world, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    client.force_login(dashboard_world.cast.province_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(dashboard_url("xlsx", dashboard_world.t.p, sort="-criteria"))
    job = Job.objects.get(kind="dashboard_xlsx")
    assert response.status_code == 302 and response["Location"] == reverse("jobs:detail", args=[job.pk])
    job.refresh_from_db()
    assert job.status == "succeeded", job.error
    assert job.created_by == dashboard_world.cast.province_reviewer and job.expires_at is not None
    with job.result_file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    rows = [[c.value for c in row] for row in book["Bảng theo dõi"].iter_rows(min_row=4)]
    # The province holds both districts' communes, sorted as asked (most criteria met first).
    assert {row[1] for row in rows} == {"Xã Đông", "Xã Yên", "Xã Bình", "Xã Ái", "Xã C"}
    met = [row[2] or 0 for row in rows]
    assert met == sorted(met, reverse=True)
    page = client.get(reverse("jobs:detail", args=[job.pk]))
    assert 'data-testid="export-summary"' in page.text and "Tỉnh P" in page.text


def test_a_district_reviewer_cannot_export_the_province(client, dashboard_world):
    client.force_login(dashboard_world.cast.reviewer)
    assert client.get(dashboard_url("xlsx", dashboard_world.t.p)).status_code == 404
