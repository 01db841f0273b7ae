"""The server-rendered pages: home, a criteria set, a unit; who may open them, what they show, in
which language, and at what cost in queries."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertInHTML, assertNotContains, assertRedirects

from accounts.models import Membership, Role
from communes.models import Level
from criteria.models import Criterion, Department, Indicator, SourceDocument
from ntm.lib.collation import vietnamese_key
from tests import factories
from tests.factories import make_assessment, make_big_set
from tests.helpers import all_codes

pytestmark = pytest.mark.django_db

UNVERIFIED = '<span class="badge text-bg-warning" title="Chưa đối chiếu với văn bản quyết định">Chưa kiểm chứng</span>'
# session, user, the set, criteria with departments, indicators, target variants, source documents,
# the memberships behind the menu
CRITERIA_SET_QUERIES = 8
# session, user, memberships (scope, read once and kept on the user), the unit with its parent, its
# children, its lineage both ways (which linked units are in scope is read from the memberships)
UNIT_QUERIES = 6
# A commune has no children: instead its assessments (with the linked old / new communes' latest approved
# ones), and the roadmap section's plan history and recognitions
COMMUNE_QUERIES = UNIT_QUERIES - 1 + 3
# ... the approved assessments' criteria and results (their evidence files only when there are some)
COMMUNE_WITH_APPROVED_QUERIES = COMMUNE_QUERIES + 2
# ... the linked communes' latest approved assessments come with the commune's own
COMMUNE_WITH_LINEAGE_QUERIES = COMMUNE_QUERIES


@pytest.fixture
def viewer(tree, client):
    """A viewer of huyện H (pre-2025): sees xã A and xã B, not xã C nor anything after the reform."""
    user = factories.make_user("xem.h", unit=tree.h, role=Role.VIEWER, first_name="Ban chỉ đạo huyện H")
    client.force_login(user)
    return user


@pytest.fixture
def province_viewer(tree, client):
    """A viewer of tỉnh P in both eras, as a province steering committee is after the reform."""
    user = factories.make_user("xem.tinh", unit=tree.p, role=Role.VIEWER)
    user.memberships.create(unit=tree.p_new, role=Role.VIEWER)
    client.force_login(user)
    return user


def unit_url(unit):
    return reverse("web:unit", kwargs={"era": unit.era, "code": unit.code})


def set_url(criteria_set):
    return reverse("web:criteria_set", kwargs={"code": criteria_set.code})


def main_of(response) -> str:
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group()


def squeezed(response) -> str:
    """The page with runs of whitespace made one space, as a browser shows it."""
    return " ".join(response.content.decode().split())


# Access


@pytest.mark.parametrize("url", ["/", "/units/pre2025/18436/", "/criteria/any-set/"])
def test_an_anonymous_visitor_is_sent_to_the_login_page(client, url):
    response = client.get(url)
    assertRedirects(response, f"{reverse('login')}?next={url}", fetch_redirect_response=False)


def test_a_commune_of_another_district_is_404_for_a_scoped_user(client, tree, viewer):
    assert client.get(unit_url(tree.a)).status_code == 200
    assert client.get(unit_url(tree.c)).status_code == 404


def test_an_out_of_scope_commune_looks_exactly_like_a_missing_one(client, tree, viewer):
    out_of_scope, missing = client.get(unit_url(tree.c)), client.get("/units/pre2025/99999/")
    assertContains(out_of_scope, "Không tìm thấy trang", status_code=404)
    assert main_of(out_of_scope) == main_of(missing)


def test_the_same_code_after_the_reform_is_404_for_a_user_scoped_before_it(client, tree, viewer):
    assert tree.n.code == tree.a.code
    assert client.get(unit_url(tree.n)).status_code == 404


def test_an_unknown_era_is_404(client, tree, province_viewer):
    assert client.get("/units/2030/18436/").status_code == 404


def test_an_unknown_criteria_set_is_404(client, viewer):
    assert client.get("/criteria/no-such-set/").status_code == 404


# Home


def test_the_criteria_sets_page_lists_the_sets_with_their_counts(client, tree, viewer):
    factories.make_set(name="Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025", stated_indicator_count=57)
    response = client.get("/criteria/")
    assertContains(response, "Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025")
    assert "3 tiêu chí, 5/57 chỉ tiêu" in squeezed(response)
    assertContains(response, "Còn thiếu chỉ tiêu")


def test_home_is_the_todo_page_with_the_users_units_not_the_criteria_sets(client, tree, viewer):
    factories.make_set(name="Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025", stated_indicator_count=57)
    response = client.get("/")
    assertContains(response, '<h1 class="h3 mb-3" id="todo-heading">Việc cần làm</h1>', html=True)
    assertNotContains(response, "Bộ tiêu chí xã nông thôn mới giai đoạn 2021-2025")
    assertContains(response, f'<a href="{unit_url(tree.h)}">Huyện H</a>', html=True)


# Criteria set page


def test_the_criteria_set_page_lists_its_criteria_and_indicator_codes(client, viewer):
    criteria_set = factories.make_set()
    response = client.get(set_url(criteria_set))
    assertContains(response, "Tiêu chí 1. Quy hoạch")
    assertContains(response, "Tiêu chí 2. Giao thông")
    for code in ("1.1", "1.2", "2.1", "2.2", "3"):
        assertContains(response, f'data-code="{code}"')
    assert "3 tiêu chí, 5 chỉ tiêu" in squeezed(response)


def test_the_criteria_set_page_marks_only_the_unverified_indicators(client, viewer):
    criteria_set = factories.make_set()
    Indicator.objects.filter(criteria_set=criteria_set).exclude(code="2.2").update(verified=True)
    response = client.get(set_url(criteria_set))
    assertInHTML(UNVERIFIED, response.content.decode(), count=1)


def test_the_criteria_set_page_shows_targets_by_region_and_year(client, viewer):
    criteria_set = factories.make_set()
    factories.make_numeric(
        criteria_set,
        "3",
        op=">=",
        value="36",
        unit="triệu đồng/người",
        variants=[{"region": "btb", "year": 2024, "value": "52.5"}],
    )
    response = client.get(set_url(criteria_set))
    assertContains(response, "≥36 triệu đồng/người")
    assertContains(response, "Bắc Trung Bộ · từ năm 2024")
    assertContains(response, "≥52,5 triệu đồng/người")


def test_regional_targets_are_listed_north_to_south_as_in_the_decisions(client, viewer):
    criteria_set = factories.make_set()
    factories.make_numeric(
        criteria_set,
        "3",
        value="45",
        variants=[{"region": "dbscl", "value": "50"}, {"region": "tdmnpb", "value": "36"}],
    )
    page = client.get(set_url(criteria_set)).content.decode()
    assert page.index("Trung du miền núi phía Bắc") < page.index("Đồng bằng sông Cửu Long")


def test_the_criteria_set_page_links_the_sources_it_knows(client, viewer):
    criteria_set = factories.make_set()
    SourceDocument.objects.create(key="S29", url="https://vanban.example/qd318", description="QĐ 318/QĐ-TTg")
    Indicator.objects.filter(criteria_set=criteria_set, code="1.1").update(sources="S29, S30")
    response = client.get(set_url(criteria_set))
    assertContains(response, '<a href="https://vanban.example/qd318" title="QĐ 318/QĐ-TTg"')
    assertContains(response, ", S30")


def test_a_set_published_for_the_demo_says_so(client, viewer):
    criteria_set = factories.make_set(published_by_demo=True)
    response = client.get(set_url(criteria_set))
    assertContains(response, "Công bố cho demo")
    assertContains(response, "Dữ liệu demo")


def test_a_set_published_by_an_admin_is_not_marked_as_demo(client, viewer):
    criteria_set = factories.make_set()
    response = client.get(set_url(criteria_set))
    assertContains(response, "Đã công bố")
    assertNotContains(response, "Dữ liệu demo")


def test_a_set_without_indicators_says_they_are_missing(client, viewer):
    criteria_set = factories.make_set(criteria=[(1, "Quy hoạch", [])], status="draft")
    response = client.get(set_url(criteria_set))
    assertContains(response, "Chưa có chỉ tiêu nào (chưa thu thập được từ văn bản).")
    assertContains(response, "Còn thiếu chỉ tiêu")


# Unit page


def test_the_commune_page_shows_the_sentence_of_its_latest_assessment(client, tree, viewer):
    criteria_set = factories.make_set()
    make_assessment(tree.a, criteria_set, datetime.date(2023, 12, 31), met=["1.1"])
    make_assessment(tree.a, criteria_set, datetime.date(2024, 12, 31), met=["1.1", "1.2", "3"], unmet=["2.1"])
    response = client.get(unit_url(tree.a))
    # The older one stays in the timeline, not in the summary.
    assertContains(response, '<span data-testid="as-of">31/12/2024</span>', count=1)
    assertNotContains(response, '<span data-testid="as-of">31/12/2023</span>')
    assertContains(response, "2/3 tiêu chí, 3/5 chỉ tiêu")
    assertContains(
        response,
        "đạt 2/3 tiêu chí, 3/5 chỉ tiêu xây dựng NTM. Các tiêu chí, chỉ tiêu NTM chưa đạt, gồm: tiêu chí giao thông.",
    )


def test_a_commune_without_assessments_says_so(client, tree, viewer):
    assertContains(client.get(unit_url(tree.b)), "Xã chưa có đánh giá nào.")


def test_an_old_commune_links_to_the_commune_it_became(client, tree, province_viewer):
    response = client.get(unit_url(tree.a))
    assertContains(response, "Từ 01/07/2025 thuộc về:")
    assertContains(response, f'<a href="{unit_url(tree.n)}">Xã N</a>', html=True)


def test_a_new_commune_links_to_the_communes_it_was_formed_from(client, tree, province_viewer):
    response = client.get(unit_url(tree.n))
    assertContains(response, "Hình thành từ:")
    assertContains(response, f'<a href="{unit_url(tree.a)}">Xã A</a>', html=True)
    assertContains(response, f'<a href="{unit_url(tree.b)}">Xã B</a>', html=True)
    assertContains(response, "một phần", count=1)


def test_a_successor_outside_the_users_scope_is_named_but_not_linked(client, tree, viewer):
    response = client.get(unit_url(tree.a))
    assertContains(response, "Xã N")
    assertNotContains(response, unit_url(tree.n))


def test_communes_are_listed_in_vietnamese_alphabetical_order(client, tree, province_viewer):
    expected = ["Xã An", "Xã Ân", "Xã Dương", "Xã Đông", "Xã Thạch", "Xã Thượng", "Xã Yên"]
    district = factories.make_unit(parent=tree.p)
    for name in ("Xã Yên", "Xã Thượng", "Xã Đông", "Xã Ân", "Xã Thạch", "Xã Dương", "Xã An"):
        factories.make_unit(parent=district, name=name)
    page = client.get(unit_url(district)).content.decode()
    main = page[page.index("<main") :]
    assert re.findall(r">(Xã [^<]+)</a>", main) == expected


def test_tones_break_ties_in_the_dictionaries_order():
    names = ["Mạ", "Má", "Mã", "Mả", "Mà", "Ma"]
    assert sorted(names, key=vietnamese_key) == ["Ma", "Mà", "Mả", "Mã", "Má", "Mạ"]


def test_the_district_page_lists_its_communes(client, tree, viewer):
    response = client.get(unit_url(tree.h))
    assertContains(response, "Đơn vị trực thuộc (2)")
    assertContains(response, f'<a href="{unit_url(tree.a)}">Xã A</a>', html=True)
    assertContains(response, f'<a href="{unit_url(tree.b)}">Xã B</a>', html=True)


# Static files


def test_every_static_file_a_page_links_is_served(client, viewer):
    page = client.get("/").content.decode()
    paths = re.findall(r'(?:href|src)="(/static/[^"]+)"', page)
    assert len(paths) >= 4  # Bootstrap's CSS and JS, htmx, our CSS and icon
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        response.close()


def test_the_browsers_favicon_request_finds_the_icon(client):
    assertRedirects(
        client.get("/favicon.ico"), "/static/web/favicon.svg", status_code=301, fetch_redirect_response=False
    )


# Languages


def test_the_pages_are_in_vietnamese_by_default(client, tree, viewer):
    response = client.get(unit_url(tree.a))
    assertContains(response, '<html lang="vi">')
    assertContains(response, "Việc cần làm")
    assertContains(response, "Sắp xếp đơn vị hành chính năm 2025")
    assertContains(response, "Đăng xuất")


def test_after_choosing_english_the_navbar_is_in_english(client, tree, viewer):
    # The words are whatever locale/en says; the page must use them, and they must not be the Vietnamese.
    with translation.override("en"):
        home, sign_out = translation.gettext("Việc cần làm"), translation.gettext("Đăng xuất")
    assert (home, sign_out) != ("Việc cần làm", "Đăng xuất"), "locale/en has no English navbar (compilemessages?)"
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assertContains(response, '<html lang="en">')
    assertContains(response, f">{home}</a>")
    assertContains(response, sign_out)
    assertNotContains(response, "Trang chủ")


# Query counts


def test_the_criteria_set_page_costs_the_same_for_a_small_and_a_national_size_set(
    client, viewer, django_assert_num_queries
):
    small, big = factories.make_set(), make_big_set(19, 5)
    SourceDocument.objects.create(key="S1", url="https://vanban.example/1")
    for criteria_set in (small, big):
        Criterion.objects.filter(criteria_set=criteria_set).update(sources="S1")
        Indicator.objects.filter(criteria_set=criteria_set).update(sources="S1, S2")
    for code in ("1.1", "2.1", "3.1", "4.1"):
        factories.make_numeric(big, code, variants=[{"region": "btb", "value": 70}, {"region": "tn", "value": 60}])
    for criteria_set, indicators in ((small, 5), (big, 95)):
        with django_assert_num_queries(CRITERIA_SET_QUERIES):
            response = client.get(set_url(criteria_set))
        assert response.content.decode().count('data-testid="indicator"') == indicators


def test_the_commune_page_costs_the_same_for_one_and_many_assessments(client, tree, viewer, django_assert_num_queries):
    sets = [factories.make_set(), make_big_set(19, 5)]
    make_assessment(tree.a, sets[0], datetime.date(2020, 12, 31))
    for criteria_set in sets:
        for year in range(2018, 2025):
            make_assessment(tree.b, criteria_set, datetime.date(year, 12, 31), met=all_codes(criteria_set)[:3])
    for commune, rows in ((tree.a, 1), (tree.b, 2)):
        with django_assert_num_queries(COMMUNE_WITH_APPROVED_QUERIES):
            response = client.get(unit_url(commune))
        assert response.content.decode().count('data-testid="assessment"') == rows


def test_the_district_page_costs_the_same_for_few_and_many_communes(
    client, tree, province_viewer, django_assert_num_queries
):
    small_district, big_district = factories.make_unit(parent=tree.p), factories.make_unit(parent=tree.p)
    factories.make_unit(parent=small_district)
    for _ in range(30):
        factories.make_unit(parent=big_district)
    for district, communes in ((small_district, 1), (big_district, 30)):
        with django_assert_num_queries(UNIT_QUERIES):
            response = client.get(unit_url(district))
        assertContains(response, f"Đơn vị trực thuộc ({communes})")


def test_the_commune_page_costs_the_same_for_few_and_many_predecessors(
    client, tree, province_viewer, django_assert_num_queries
):
    district = factories.make_unit(parent=tree.p)
    merged = factories.make_unit(parent=tree.p_new, level=Level.COMMUNE)
    for _ in range(12):
        factories.make_succession(factories.make_unit(parent=district), merged)
    for commune, predecessors in ((tree.n, 2), (merged, 12)):
        with django_assert_num_queries(COMMUNE_WITH_LINEAGE_QUERIES):
            response = client.get(unit_url(commune))
        assert response.content.decode().count('<li><a href="/units/pre2025/') == predecessors


def test_the_menu_shows_only_the_entries_of_the_user_s_roles(client, tree, viewer):
    client.force_login(viewer)
    response = client.get("/")
    for testid in ("nav-my-communes", "nav-review", "nav-verify", "nav-criteria"):
        assertNotContains(response, f'data-testid="{testid}"')
    assertContains(response, f'href="/units/{tree.h.era}/{tree.h.code}/dashboard/" data-testid="nav-dashboard"')
    assertContains(response, 'href="/jobs/"')
    staff = factories.make_user("canbo-menu", unit=tree.a, role=Role.COMMUNE_STAFF)
    client.force_login(staff)
    response = client.get("/")
    assertContains(response, 'href="/my/" data-testid="nav-my-communes"')
    for testid in ("nav-review", "nav-verify", "nav-dashboard", "nav-criteria"):
        assertNotContains(response, f'data-testid="{testid}"')
    both = factories.make_user("thamdinh-phong-menu", unit=tree.h, role=Role.REVIEWER)
    department = Department.objects.create(code="kt-menu", name="Phòng Kinh tế")
    Membership.objects.create(user=both, unit=tree.h, role=Role.DEPARTMENT_OFFICER, department=department)
    client.force_login(both)
    response = client.get("/")
    assertContains(response, 'href="/review/" data-testid="nav-review"')
    assertContains(response, 'href="/verify/" data-testid="nav-verify"')
    assertNotContains(response, 'data-testid="nav-my-communes"')


def test_home_links_each_membership_to_its_daily_pages(client, tree):
    reviewer = factories.make_user("thamdinh-home", unit=tree.h, role=Role.REVIEWER)
    client.force_login(reviewer)
    links = client.get("/").text
    assert f'href="/units/{tree.h.era}/{tree.h.code}/dashboard/"' in links
    assert f'href="/units/{tree.h.era}/{tree.h.code}/roadmap/"' in links
    staff = factories.make_user("canbo-home", unit=tree.a, role=Role.COMMUNE_STAFF)
    client.force_login(staff)
    page = client.get("/").text
    membership = page[page.index('data-testid="membership-links"') :]
    assert 'href="/my/"' in membership and "/dashboard/" not in membership
