"""Two assessments side by side (assessments.comparison, /assessments/compare/): the indicators that
changed status, the values and targets applied in each, the evidence, two different sets matched by
code, the scope of every role, and a query count that does not grow with the set."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from assessments import comparison, services
from communes.models import Region
from tests import factories
from tests.factories import ANSWERS, make_approved, make_big_set, make_draft, make_flow_set, make_submitted
from tests.helpers import PDF, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]

D1, D2, D3 = datetime.date(2022, 6, 30), datetime.date(2023, 6, 30), datetime.date(2024, 6, 30)
URL = reverse("web:assessment_compare")


@pytest.fixture
def pair(tree, cast, cs):
    """Xã A approved on D1 (1.2 not met, 2.1 at 50%) and on D2 (1.2 met, 2.1 at 72%, 3 not met)."""
    old = make_approved(cast, cs, tree.a, as_of=D1, answers=ANSWERS | {"2.1": {"value": "50"}})
    new = make_approved(
        cast,
        cs,
        tree.a,
        as_of=D2,
        answers=ANSWERS
        | {
            "1.2": {"met": True},
            "2.1": {"value": "72.5"},
            "3": {"met": False},
        },
    )
    return old, new


def as_user(client, user):
    client.force_login(user)
    return client


def squeezed(response) -> str:
    return " ".join(response.content.decode().split())


def rows_of(response) -> dict[str, str]:
    return dict(re.findall(r'<tr data-testid="compare-row" data-code="([\w.]+)"(.*?)</tr>', squeezed(response)))


# The comparison service


def test_it_marks_the_indicators_whose_status_changed_and_which_way(pair):
    old, new = pair
    result = comparison.compare(old, new)
    assert result.same_set and result.same_commune
    assert [row.code for row in result.rows] == ["1.1", "1.2", "2.1", "2.2", "3"]
    changed = {row.code: row.direction for row in result.changed}
    assert changed == {"1.2": "up", "2.1": "up", "3": "down"}
    assert (result.up_count, result.down_count) == (2, 1)
    row = next(r for r in result.rows if r.code == "2.1")
    assert (row.left.value, row.right.value) == (50, 72.5) and row.value_changed
    assert (row.left.status, row.right.status) == (comparison.UNMET, comparison.MET)
    # The criteria, by the roll-up's rule on each side's results.
    statuses = {b.number: (b.left_met, b.right_met) for b in result.blocks}
    assert statuses == {1: (False, True), 2: (False, True), 3: (True, False)}
    assert [b.number for b in result.changed_blocks] == [1, 2, 3]


def test_two_dates_of_one_commune_read_older_first_whichever_is_asked_first(pair):
    old, new = pair
    result = comparison.compare(new, old)
    assert (result.left, result.right) == (old, new)


def test_an_indicator_without_a_result_is_undetermined(tree, cast, cs, pair):
    old, _new = pair
    draft = make_draft(cast, cs, tree.a, as_of=D3, answers={"1.1": {"met": True}})
    row = next(r for r in comparison.compare(old, draft).rows if r.code == "1.2")
    assert (row.left.status, row.right.status) == (comparison.UNMET, comparison.UNKNOWN) and row.changed
    assert row.direction == ""


def test_the_target_applied_is_each_assessment_s_own(tree, cast):
    """Xã A (Bắc Trung Bộ) and xã C (Đồng bằng sông Cửu Long) on one set whose 2.1 differs by region."""
    cs = make_flow_set(cast.department)
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": Region.DBSCL, "value": "60"}])
    tree.c.region = Region.DBSCL
    tree.c.save()
    a = make_approved(cast, cs, tree.a, answers=ANSWERS | {"2.1": {"value": "65"}})
    c = make_approved(cast, cs, tree.c, answers=ANSWERS | {"2.1": {"value": "65"}})
    row = next(r for r in comparison.compare(a, c).rows if r.code == "2.1")
    assert (row.left.target, row.right.target) == ("≥70%", "≥60%") and row.target_differs
    assert (row.left.status, row.right.status) == (comparison.UNMET, comparison.MET)


def test_a_numeric_result_without_a_target_says_why(tree, cast):
    cs = make_flow_set(cast.department)
    factories.make_numeric(cs, "2.1", value="70", variants=[{"region": Region.DBSCL, "value": "60"}])
    tree.a.region = ""
    tree.a.save()
    old = make_approved(cast, cs, tree.a, as_of=D1, answers=ANSWERS | {"2.1": {"value": "65"}})
    new = make_approved(cast, cs, tree.a, as_of=D2, answers=ANSWERS | {"2.1": {"value": "66"}})
    row = next(r for r in comparison.compare(old, new).rows if r.code == "2.1")
    assert row.left.target == "" and row.left.status == comparison.UNKNOWN
    with translation.override("vi"):
        row = next(r for r in comparison.compare(old, new).rows if r.code == "2.1")
    assert "xã chưa được ghi vùng" in row.right.target_reason


def test_two_sets_are_matched_by_indicator_code_only(tree, cast, cs, pair):
    old, _new = pair
    other = factories.make_set(
        criteria=((1, "Quy hoạch", ["1.1", "1.3"]), (2, "Hạ tầng", ["2.1"]), (4, "Môi trường", ["4.1"]))
    )
    factories.make_numeric(other, "2.1", value="80")
    newer = make_approved(
        cast,
        other,
        tree.a,
        as_of=D3,
        answers={
            "1.1": {"met": False},
            "1.3": {"met": True},
            "2.1": {"value": "85"},
            "4.1": {"met": True},
        },
    )
    result = comparison.compare(old, newer)
    assert not result.same_set
    assert result.matched_count == 2
    assert result.only_left == ["1.2", "2.2", "3"] and result.only_right == ["1.3", "4.1"]
    assert {row.code for row in result.changed} == {"1.1", "2.1"}
    # The criteria keep their own set's status: the left set's criteria say nothing of the right side.
    owners = [(b.number, b.owner, b.left_met, b.right_met) for b in result.blocks]
    assert owners == [
        (1, "left", False, None),
        (2, "left", False, None),
        (3, "left", True, None),
        (1, "right", None, True),
        (4, "right", None, True),
    ]


def test_with_no_second_the_previous_approved_one_of_the_same_set_is_taken(tree, cast, cs, pair):
    old, new = pair
    make_approved(cast, make_flow_set(), tree.a, as_of=datetime.date(2023, 1, 1))  # another set: never taken
    current = make_submitted(cast, cs, tree.a, as_of=D3)
    assert comparison.pair_for(cast.reviewer, current.pk) == (current, new)
    assert comparison.pair_for(cast.reviewer, new.pk) == (new, old)
    assert comparison.pair_for(cast.reviewer, old.pk) == (old, None)


# The page


def test_the_page_shows_both_sides_values_targets_and_evidence(client, tree, cast, cs, pair):
    old, _new = pair
    draft = make_draft(cast, cs, tree.a, as_of=D3, answers=ANSWERS | {"2.1": {"value": "87.25"}})
    result = draft.results.get(indicator__code="2.1")
    evidence = services.evidence_file_add(result=result, upload=upload("bien-ban-duong.pdf", PDF), by=cast.staff)
    response = as_user(client, cast.reviewer).get(URL, {"a": draft.pk, "b": old.pk})
    assert response.status_code == 200
    rows = rows_of(response)
    assert list(rows) == ["1.1", "1.2", "2.1", "2.2", "3"]
    row = rows["2.1"]
    assert 'data-changed="1"' in row and "compare-up" in row
    assert ">50%<" in row and ">87,25%<" in row  # Vietnamese numbers
    assert row.count("≥70%") == 2
    assert f'href="{reverse("api:evidence", args=[draft.pk, evidence.pk])}"' in row and "bien-ban-duong.pdf" in row
    assert 'data-changed="0"' in rows["1.2"]
    text = squeezed(response)
    assert "30/06/2022" in text and "30/06/2024" in text
    assert "1 chỉ tiêu thay đổi trạng thái: 1 lên đạt, 0 không còn đạt." in text


def test_only_changed_shows_the_changed_indicators_and_their_criteria(client, cast, pair):
    old, new = pair
    response = as_user(client, cast.viewer).get(URL, {"a": old.pk, "b": new.pk, "changed": "1"})
    assert list(rows_of(response)) == ["1.2", "2.1", "3"]
    assertContains(response, 'aria-current="page" data-testid="show-changed"')
    all_rows = as_user(client, cast.viewer).get(URL, {"a": old.pk, "b": new.pk})
    assert len(rows_of(all_rows)) == 5


def test_a_alone_compares_with_the_previous_approved_or_says_there_is_none(client, cast, pair):
    old, new = pair
    client = as_user(client, cast.reviewer)
    response = client.get(URL, {"a": new.pk})
    assert len(rows_of(response)) == 5
    assertContains(client.get(URL, {"a": old.pk}), 'data-testid="no-pair"')
    assertContains(client.get(URL, {"a": old.pk, "b": old.pk}), "Hãy chọn hai đánh giá khác nhau để so sánh.")


def test_two_sets_the_page_says_they_differ(client, tree, cast, pair):
    old, _new = pair
    other = factories.make_set(criteria=((1, "Quy hoạch", ["1.1", "1.9"]),))
    newer = make_approved(cast, other, tree.a, as_of=D3, answers={"1.1": {"met": True}, "1.9": {"met": True}})
    response = as_user(client, cast.reviewer).get(URL, {"a": old.pk, "b": newer.pk})
    assertContains(response, 'data-testid="sets-differ"')
    assertContains(response, "Hai đánh giá theo hai bộ tiêu chí khác nhau")
    rows = rows_of(response)
    assert "Không có trong bộ" in rows["1.9"] and "Không có trong bộ" in rows["3"]
    same = as_user(client, cast.reviewer).get(URL, {"a": old.pk, "b": _new.pk})
    assertNotContains(same, 'data-testid="sets-differ"')


def test_two_communes_side_by_side(client, tree, cast, cs):
    a = make_approved(cast, cs, tree.a, answers=ANSWERS)
    b = make_approved(cast, cs, tree.b, answers=ANSWERS | {"1.2": {"met": True}})
    response = as_user(client, cast.reviewer).get(URL, {"a": a.pk, "b": b.pk})
    assertContains(response, "So sánh hai xã")
    assertContains(response, "1 chỉ tiêu khác trạng thái giữa hai bên")
    text = squeezed(response)
    assert text.index("Xã A") < text.index("Xã B")


def test_the_page_reads_in_english(client, cast, pair):
    old, new = pair
    client = as_user(client, cast.reviewer)
    client.cookies["django_language"] = "en"
    response = client.get(URL, {"a": old.pk, "b": new.pk}, HTTP_ACCEPT_LANGUAGE="en")
    assertContains(response, "Compare two assessments")
    assertContains(response, "3 indicators changed status")
    assertContains(response, "Only changed indicators")
    assert ">72.5%<" in rows_of(response)["2.1"]


# Scope


@pytest.mark.parametrize("who", ["staff", "reviewer", "officer", "viewer", "admin", "superuser", "province_reviewer"])
def test_every_role_covering_the_commune_compares_its_assessments(client, cast, pair, who):
    old, new = pair
    assert as_user(client, getattr(cast, who)).get(URL, {"a": old.pk, "b": new.pk}).status_code == 200


@pytest.mark.parametrize("query", ["pair", "alone"])
def test_outside_the_scope_it_is_404(client, cast, pair, query):
    old, new = pair
    params = {"a": new.pk, "b": old.pk} if query == "pair" else {"a": new.pk}
    assert as_user(client, cast.outsider).get(URL, params).status_code == 404


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("staff", 404),
        ("reviewer", 404),
        ("officer", 404),
        ("viewer", 404),
        ("admin", 404),
        ("outsider", 404),
        ("staff_c", 404),
        ("province_reviewer", 200),
        ("superuser", 200),
    ],
)
def test_one_side_outside_the_scope_is_enough_for_a_404(client, tree, cast, cs, who, status):
    """Xã A (huyện H) against xã C (huyện H2): only who covers both sees the comparison."""
    a = make_approved(cast, cs, tree.a)
    c = make_approved(cast, cs, tree.c)
    client = as_user(client, getattr(cast, who))
    assert client.get(URL, {"a": a.pk, "b": c.pk}).status_code == status
    assert client.get(URL, {"a": c.pk, "b": a.pk}).status_code == status


def test_the_commune_officer_cannot_compare_with_a_neighbour_s_draft(client, tree, cast, cs):
    mine = make_approved(cast, cs, tree.a)
    theirs = make_draft(cast, cs, tree.b)
    assert as_user(client, cast.staff).get(URL, {"a": mine.pk, "b": theirs.pk}).status_code == 404
    # The assessment page's rule: the reviewer covering both sees the draft there, and here.
    assert as_user(client, cast.reviewer).get(reverse("web:assessment", args=[theirs.pk])).status_code == 200
    assert as_user(client, cast.reviewer).get(URL, {"a": mine.pk, "b": theirs.pk}).status_code == 200


@pytest.mark.parametrize("params", [{}, {"a": "x"}, {"a": "1", "b": "-2"}, {"a": "99999999"}])
def test_a_missing_or_malformed_id_is_404(client, cast, params):
    assert as_user(client, cast.superuser).get(URL, params).status_code == 404


def test_signing_in_is_required(client, pair):
    old, new = pair
    response = client.get(URL, {"a": old.pk, "b": new.pk})
    assert response.status_code == 302 and reverse("login") in response["Location"]


# Query count


COMPARE_QUERIES = 7  # session, user, memberships, the pair, the previous (a alone) or nothing, results, files


@pytest.mark.parametrize("alone", [False, True])
def test_the_page_costs_the_same_for_a_small_and_a_large_set(client, tree, cast, django_assert_num_queries, alone):
    client = as_user(client, cast.reviewer)
    for cs, files in ((make_flow_set(), 0), (make_big_set(19, 4), 5)):
        codes = list(cs.indicators.values_list("code", flat=True))
        answers = ANSWERS if not files else {code: {"met": True} for code in codes}
        old = make_approved(cast, cs, tree.a, as_of=D1, answers=answers)
        new = make_draft(cast, cs, tree.a, as_of=D2, answers=answers)
        for result in list(new.results.all())[:files]:
            services.evidence_file_add(result=result, upload=upload("bien-ban.pdf", PDF), by=cast.staff)
        params = {"a": new.pk} if alone else {"a": old.pk, "b": new.pk}
        with django_assert_num_queries(COMPARE_QUERIES if alone else COMPARE_QUERIES - 1):
            response = client.get(URL, params)
        assert len(rows_of(response)) == len(codes)


# The links to it


def test_the_commune_timeline_links_each_assessment_to_its_previous_approved_one(client, tree, cast, cs, pair):
    old, new = pair
    current = make_submitted(cast, cs, tree.a, as_of=D3)
    response = as_user(client, cast.reviewer).get(reverse("web:unit", args=[tree.a.era, tree.a.code]))
    rows = re.findall(r'<tr data-testid="timeline-row".*?</tr>', squeezed(response))
    links = [re.findall(r'href="([^"]*)" class="d-block small" data-testid="compare-previous"', row) for row in rows]
    assert links == [[f"{URL}?a={new.pk}&amp;b={current.pk}"], [f"{URL}?a={old.pk}&amp;b={new.pk}"], []]
    form = re.search(r'<form [^>]*data-testid="compare-form".*?</form>', squeezed(response)).group()
    assert f'action="{URL}"' in form and form.count("<option") == 6


def test_the_district_dashboard_links_each_commune_and_offers_two_communes(client, tree, cast, cs, pair):
    _old, new = pair
    b = make_approved(cast, cs, tree.b, as_of=D2)
    response = as_user(client, cast.reviewer).get(reverse("dashboards:unit", args=[tree.h.era, tree.h.code]))
    text = squeezed(response)
    assert f'href="{URL}?a={new.pk}"' in text and f'href="{URL}?a={b.pk}"' in text
    form = re.search(r'<form [^>]*data-testid="compare-communes-form".*?</form>', text).group()
    assert re.findall(r'<option value="(\d+)"', form) == [str(new.pk), str(b.pk)] * 2
    assert "Xã A · 30/06/2023" in form


@pytest.fixture
def big_ids(db):
    """Assessment ids from 25,265 on, as on a database that has lived: a Vietnamese page would write
    them 25.265 unless the template unlocalizes them."""
    from django.db import connection

    from assessments.models import Assessment

    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), 25264)", [table])
        else:
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, 25264)", [table])


def test_ids_past_a_thousand_are_written_without_a_separator_in_every_link_and_choice(client, tree, cast, cs, big_ids):
    old = make_approved(cast, cs, tree.a, as_of=D1)
    new = make_approved(cast, cs, tree.a, as_of=D2)
    b = make_approved(cast, cs, tree.b, as_of=D2)
    assert old.pk >= 25265
    unit = squeezed(as_user(client, cast.reviewer).get(reverse("web:unit", args=[tree.a.era, tree.a.code])))
    assert f"?a={old.pk}&amp;b={new.pk}" in unit and f'<option value="{new.pk}"' in unit
    board = squeezed(client.get(reverse("dashboards:unit", args=[tree.h.era, tree.h.code])))
    assert f'href="{URL}?a={b.pk}"' in board and f'<option value="{b.pk}"' in board
    assert not re.search(r"(a|b|value)=\"?\d{1,3}\.\d{3}", unit + board)
    followed = client.get(f"{URL}?a={old.pk}&b={new.pk}")
    assert followed.status_code == 200
