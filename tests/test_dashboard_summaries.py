"""The country and a province as summaries: one row per child unit with the figures of its xã,
phường / thị trấn / đặc khu counted apart, the commune list paginated and searchable, the heatmap by
child unit, scope, reports, and a query count and page size that do not grow with the communes.

On `dashboard_world` (tests/conftest.py; as of 31/12/2024), province P:
  huyện H:  Đông 3/3 · Yên 2/3 (fails 3) · Ái nothing · Bình 1/3 (fails 2, 3) · here also thị trấn T 3/3
  huyện H2: C 3/3 · here also phường Q (nothing)
"""

import io
import re
from decimal import Decimal

import pytest
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import services
from assessments.models import Assessment, Status
from communes.models import AdministrativeUnit, Era, Level, UnitKind
from tests import factories
from tests.factories import make_district, make_summarised_assessment, summary_of
from tests.helpers import AS_OF, dashboard_url, get_as, iso_date, queries_for, row_codes

pytestmark = pytest.mark.django_db


@pytest.fixture
def towns(dashboard_world):
    t = factories.make_unit(parent=dashboard_world.t.h, code="18445", name="Thị trấn T", kind=UnitKind.THI_TRAN)
    make_summarised_assessment(t, dashboard_world.cs, iso_date("2024-06-30"))
    q = factories.make_unit(parent=dashboard_world.t.h2, code="18501", name="Phường Q", kind=UnitKind.PHUONG)
    return type("Towns", (), dict(t=t, q=q))


def national(**query) -> str:
    query.setdefault("as_of", AS_OF)
    return (
        reverse("dashboards:national", kwargs={"era": "pre2025"}) + "?" + "&".join(f"{k}={v}" for k, v in query.items())
    )


def children(response) -> dict:
    return {row.unit.code: row for row in response.context["board"].children}


def figures_of(row) -> tuple:
    f = row.figures
    return f.communes, f.assessed, f.reaching, f.short_one, f.short_two, f.not_assessed, f.average, row.others


# One row per child unit


@pytest.mark.parametrize("as_of", [AS_OF, "today"])
def test_a_province_shows_one_row_per_district_with_its_figures(client, dashboard_world, towns, as_of):
    # A past date ranks the approved history; today reads the stored latest-approved flag.
    as_of = timezone.localdate().isoformat() if as_of == "today" else as_of
    response = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p, as_of=as_of)
    )
    rows = children(response)
    assert list(rows) == ["443", "444"]
    assert figures_of(rows["443"]) == (4, 3, 1, 1, 1, 1, Decimal("2.0"), 1)
    assert figures_of(rows["444"]) == (1, 1, 1, 0, 0, 0, Decimal("3.0"), 1)
    h = response.context["board"].headline
    assert (h.communes, h.assessed, h.reaching, h.short_one, h.short_two, h.not_assessed) == (5, 4, 2, 1, 1, 1)
    assert h.average == Decimal("2.3")  # 9/4 = 2,25, rounded half up
    assert 'data-testid="commune-row"' not in response.text  # no commune list on the summary


def test_the_summary_compares_with_an_earlier_date(client, dashboard_world):
    # On 31/03/2024: Đông 1/3 and Bình 1/3 approved; by 31/12/2024 Đông 3/3, Yên 2/3 and C 3/3 too.
    response = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p, since="2024-03-31")
    )
    board = response.context["board"]
    assert (board.since.assessed, board.since.reaching, board.since.communes) == (2, 0, 5)
    assert board.change["reaching"] == 2 and board.change["not_assessed"] == -2
    assert 'data-testid="chg-reaching"' in response.text


def test_child_rows_link_down_to_each_districts_dashboard_with_the_same_set_and_date(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p))
    links = re.findall(r'data-testid="child-row" data-code="\d+">\s*<th[^>]*><a href="([^"]+)"', response.text)
    assert links == [f"/units/pre2025/{code}/dashboard/?set=bo-s&amp;as_of={AS_OF}" for code in ("443", "444")]
    assert get_as(client, dashboard_world.cast.province_reviewer, links[0].replace("&amp;", "&")).status_code == 200


def test_the_country_shows_one_row_per_province_in_vietnamese_order(client, dashboard_world, towns):
    other = factories.make_unit(code="40", name="Tỉnh Ân")
    make_summarised_assessment(
        factories.make_unit(parent=factories.make_unit(parent=other, code="420"), code="17000"),
        dashboard_world.cs,
        iso_date("2024-05-01"),
    )
    response = get_as(client, dashboard_world.cast.superuser, national())
    rows = children(response)
    assert list(rows) == ["40", "42"]  # Ân before P
    assert figures_of(rows["42"]) == (5, 4, 2, 1, 1, 1, Decimal("2.3"), 2)
    assert figures_of(rows["40"])[:3] == (1, 1, 1)
    assert response.context["board"].headline.communes == 6
    assert f'href="/units/pre2025/42/dashboard/?set=bo-s&amp;as_of={AS_OF}"' in response.text


def test_a_2025_province_lists_its_communes_as_a_district_does(client, dashboard_world):
    response = get_as(
        client, dashboard_world.cast.superuser, dashboard_url("unit", dashboard_world.t.p_new, as_of="2025-12-31")
    )
    assert row_codes(response) == ["18436"]
    assert 'data-testid="child-row"' not in response.text
    national_2025 = reverse("dashboards:national", kwargs={"era": "2025"}) + "?as_of=2025-12-31"
    rows = children(get_as(client, dashboard_world.cast.superuser, national_2025))
    assert figures_of(rows["42"])[:3] == (1, 1, 0)


# Phường, thị trấn, đặc khu apart


def test_towns_are_not_in_the_denominators_and_the_rule_is_stated(client, dashboard_world, towns):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h))
    board = response.context["board"]
    assert board.headline.communes == 4 and board.headline.reaching == 1  # thị trấn T (3/3) is not counted
    assert "18445" not in row_codes(response)
    assert "phường, thị trấn và đặc khu không thuộc diện xét công nhận xã nông thôn mới" in response.text
    assert 'data-testid="others-link"' in response.text


def test_towns_are_listed_apart(client, dashboard_world, towns):
    response = get_as(client, dashboard_world.cast.viewer, dashboard_url("unit", dashboard_world.t.h, kind="other"))
    assert row_codes(response) == ["18445"]
    assert response.context["board"].headline.communes == 4
    national_others = get_as(client, dashboard_world.cast.superuser, national(view="communes", kind="other"))
    assert row_codes(national_others) == ["18501", "18445"]  # Phường Q, Thị trấn T


def test_a_dac_khu_is_counted_apart_too(client, dashboard_world):
    special = factories.make_unit(
        parent=dashboard_world.t.p_new, code="18600", name="Đặc khu Z", level=Level.COMMUNE, kind=UnitKind.DAC_KHU
    )
    make_summarised_assessment(special, dashboard_world.cs, iso_date("2025-09-30"))
    national_2025 = reverse("dashboards:national", kwargs={"era": "2025"}) + "?as_of=2025-12-31"
    rows = children(get_as(client, dashboard_world.cast.superuser, national_2025))
    assert figures_of(rows["42"])[:3] + (rows["42"].others,) == (1, 1, 0, 1)


# The commune list: paginated and searchable


def test_the_commune_list_of_a_large_unit_is_paginated(client, dashboard_world):
    big = make_district(dashboard_world.t.p, 150, dashboard_world.cs)
    client.force_login(dashboard_world.cast.superuser)
    first = client.get(dashboard_url("unit", big, as_of=timezone.localdate().isoformat()))
    assert len(row_codes(first)) == 100 and first.context["board"].headline.communes == 150
    assert 'data-testid="pager-next"' in first.text and "Trang 1/2" in first.text
    second = client.get(dashboard_url("unit", big, as_of=timezone.localdate().isoformat(), p="2"))
    assert len(row_codes(second)) == 50
    assert not set(row_codes(first)) & set(row_codes(second))
    beyond = client.get(dashboard_url("unit", big, as_of=timezone.localdate().isoformat(), p="99"))
    assert row_codes(beyond) == row_codes(second)  # past the end: the last page


@pytest.mark.parametrize(("q", "expected"), [("18439", ["18439"]), ("1844", ["18441", "18442"]), ("yen", ["18439"])])
def test_the_commune_list_is_searchable_by_name_or_code(client, dashboard_world, q, expected):
    response = get_as(client, dashboard_world.cast.superuser, national(view="communes", q=q))
    assert row_codes(response) == expected


def test_the_summary_offers_the_commune_list_and_back(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p))
    assert 'data-testid="communes-link"' in response.text and 'data-testid="commune-search"' in response.text
    listing = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p, view="communes")
    )
    assert len(row_codes(listing)) == 5 and 'data-testid="summary-link"' in listing.text


# Heatmap by child unit


@pytest.mark.parametrize("as_of", [AS_OF, "today"])
def test_the_heatmap_above_a_district_is_the_share_of_xa_meeting_each_criterion(client, dashboard_world, towns, as_of):
    as_of = timezone.localdate().isoformat() if as_of == "today" else as_of
    response = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("heatmap", dashboard_world.t.p, as_of=as_of)
    )
    grid = {
        row.unit.code: [(c.meeting, c.assessed) for c in cells] for row, _url, cells in response.context["summary_grid"]
    }
    # H: Đông meets all; Yên fails 3; Bình fails 2 and 3 (thị trấn T, 3/3, is not counted).
    assert grid == {"443": [(3, 3), (2, 3), (1, 3)], "444": [(1, 1), (1, 1), (1, 1)]}
    assert 'data-testid="heatmap-row"' not in response.text  # no commune rows
    assert ">33%<" in response.text and ">100%<" in response.text


def test_holdbacks_above_a_district_link_to_the_commune_list(client, dashboard_world):
    response = get_as(client, dashboard_world.cast.province_reviewer, dashboard_url("holdbacks", dashboard_world.t.p))
    link = next(h.url for h in response.context["by_criterion"] if h.key == "3")
    assert "view=communes" in link and "fails=3" in link
    assert row_codes(get_as(client, dashboard_world.cast.province_reviewer, link)) == ["18442", "18439"]  # Bình, Yên


# Scope


def test_a_province_viewer_sees_only_their_provinces_children(client, dashboard_world):
    other = factories.make_unit(code="44", name="Tỉnh Khác")
    far = factories.make_unit(parent=other, code="450", name="Huyện Xa")
    make_summarised_assessment(
        factories.make_unit(parent=far, code="19000"), dashboard_world.cs, iso_date("2024-05-01")
    )
    response = get_as(client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p))
    assert list(children(response)) == ["443", "444"]
    for page in ("unit", "heatmap", "print", "xlsx"):
        assert get_as(client, dashboard_world.cast.province_reviewer, dashboard_url(page, far)).status_code == 404
        assert get_as(client, dashboard_world.cast.province_reviewer, dashboard_url(page, other)).status_code == 404
    assert get_as(client, dashboard_world.cast.province_reviewer, national()).status_code == 404


def test_a_district_reviewer_cannot_open_the_province_summary_or_its_list(client, dashboard_world):
    for page, query in (("unit", {}), ("unit", {"view": "communes"}), ("heatmap", {})):
        assert (
            get_as(client, dashboard_world.cast.reviewer, dashboard_url(page, dashboard_world.t.p, **query)).status_code
            == 404
        )


# Reports


def test_the_print_report_above_a_district_is_the_summary(client, dashboard_world, towns):
    html = get_as(client, dashboard_world.cast.province_reviewer, dashboard_url("print", dashboard_world.t.p)).text
    assert html.count('data-testid="print-child-row"') == 2 and 'data-testid="print-row"' not in html
    assert "2 phường, thị trấn, đặc khu" in html


def test_the_province_workbook_has_the_child_units_then_the_communes(
    client, dashboard_world, towns, django_capture_on_commit_callbacks
):
    from jobs.models import Job

    client.force_login(dashboard_world.cast.province_reviewer)
    with django_capture_on_commit_callbacks(execute=True):
        client.get(dashboard_url("xlsx", dashboard_world.t.p))
    job = Job.objects.get(kind="dashboard_xlsx")
    with job.result_file.open("rb") as handle:
        book = load_workbook(io.BytesIO(handle.read()))
    assert book.sheetnames == ["Theo đơn vị", "Bảng theo dõi", "Bản đồ nhiệt", "Phường, thị trấn"]
    rows = [[c.value for c in row] for row in book["Theo đơn vị"].iter_rows(min_row=4, max_row=6)]
    assert rows[0] == [1, "Huyện H", 4, 1, 2.0, 1, 1, 1, 1]
    assert rows[2][1:4] == ["Tổng cộng", 5, 2]
    assert {r[1].value for r in book["Bảng theo dõi"].iter_rows(min_row=4)} == {
        "Xã Đông",
        "Xã Yên",
        "Xã Bình",
        "Xã Ái",
        "Xã C",
    }
    assert {r[1].value for r in book["Phường, thị trấn"].iter_rows(min_row=4)} == {"Thị trấn T", "Phường Q"}


# Speed: queries and bytes follow the children, not the communes


def _country(n_provinces: int, per_province: int, cs) -> None:
    """Provinces with one district of `per_province` xã each, half of them approved 3/3 (flags refreshed)."""
    codes = [f"{c}" for c in range(10, 100) if c != 42][:n_provinces]  # 42: Tỉnh P of the world
    units = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                era=Era.PRE_2025,
                code=code,
                name=f"Tỉnh số {p}",
                kind=UnitKind.TINH,
                level=Level.PROVINCE,
                path=f"{code}/",
            )
            for p, code in enumerate(codes)
        ]
    )
    districts = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                era=Era.PRE_2025,
                code=f"{p + 100:03d}",
                name=f"Huyện số {p}",
                kind=UnitKind.HUYEN,
                level=Level.DISTRICT,
                parent=province,
                path=f"{province.path}{p + 100:03d}/",
            )
            for p, province in enumerate(units)
        ]
    )
    communes = AdministrativeUnit.objects.bulk_create(
        [
            AdministrativeUnit(
                era=Era.PRE_2025,
                code=f"{20000 + p * per_province + i}",
                name=f"Phường {i}" if i % 7 == 0 else f"Xã {i}",
                kind=UnitKind.PHUONG if i % 7 == 0 else UnitKind.XA,
                level=Level.COMMUNE,
                parent=district,
                path=f"{district.path}{20000 + p * per_province + i}/",
            )
            for p, district in enumerate(districts)
            for i in range(per_province)
        ]
    )
    summary = summary_of(cs, set())
    assessments = []
    for i, commune in enumerate(communes):
        if i % 2:
            a = Assessment(commune=commune, criteria_set=cs, as_of=iso_date("2024-03-31"), status=Status.APPROVED)
            a.apply_summary(summary)
            assessments.append(a)
    Assessment.objects.bulk_create(assessments)
    services.latest_approved_refresh(scope=Q(commune__in=communes))


@pytest.mark.parametrize("page", ["unit", "heatmap"])
def test_query_count_is_the_same_for_5_and_500_communes(client, dashboard_world, page):
    client.force_login(dashboard_world.cast.superuser)
    today = timezone.localdate().isoformat()
    name = "national" if page == "unit" else f"national_{page}"
    national_url = reverse(f"dashboards:{name}", kwargs={"era": "pre2025"}) + f"?set=bo-s&as_of={today}"
    province_url = dashboard_url(page, dashboard_world.t.p, as_of=today)
    past_url = dashboard_url(page, dashboard_world.t.p, as_of=AS_OF)
    make_district(dashboard_world.t.p, 5, dashboard_world.cs)
    small = [queries_for(client, address) for address in (national_url, province_url, past_url)]
    make_district(dashboard_world.t.p, 500, dashboard_world.cs)
    big = [queries_for(client, address) for address in (national_url, province_url, past_url)]
    assert small == big


def test_the_national_page_stays_small_for_a_country(client, dashboard_world):
    _country(63, 40, dashboard_world.cs)  # 2,520 commune-level units
    client.force_login(dashboard_world.cast.superuser)
    response = client.get(national(as_of=timezone.localdate().isoformat()))
    assert len(response.context["board"].children) == 64  # and Tỉnh P of the world
    assert len(response.content) < 120_000, len(response.content)
    h = response.context["board"].headline
    assert h.communes == 63 * (40 - 6) + 5  # the phường (every 7th unit) are not counted
    assert children(response)["10"].others == 6 and children(response)["10"].figures.communes == 34


def test_a_summary_on_an_incomplete_set_never_says_dat_chuan(client, dashboard_world):
    # Issue 12, item 3, on the summary pages too: the stored summaries say the set holds 5 of 6 indicators.
    Assessment.objects.filter(criteria_set=dashboard_world.cs).update(set_complete=False, indicators_stated=6)
    response = get_as(
        client, dashboard_world.cast.province_reviewer, dashboard_url("unit", dashboard_world.t.p, as_of=AS_OF)
    )
    assert "Xã đạt các chỉ tiêu đã có (bộ chưa đầy đủ)" in response.text
    assert "Xã đạt chuẩn" not in response.text
    assert "bộ tiêu chí chưa đầy đủ" in response.context["board"].set_note
