""" "Việc cần làm": each role lands on its own work after signing in."""

import datetime

from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from tests.factories import make_draft, make_flow_set, make_returned, make_submitted


def test_signing_in_lands_on_the_todo_page(client, cast):
    response = client.post(reverse("login"), {"username": "canbo.xa-a", "password": "pw-canbo.xa-a"})
    assertRedirects(response, reverse("web:home"))
    assertContains(client.get(reverse("web:home")), 'data-testid="todo-page"')


def test_the_commune_officer_sees_the_returned_assessment_first_with_its_reason(client, tree, cast, cs):
    returned = make_returned(cast, cs, tree.a)
    client.force_login(cast.staff)
    page = client.get("/").text
    assert 'data-testid="todo-returned"' in page
    assert f'href="/assessments/{returned.pk}/edit/"' in page
    assert "Thiếu biên bản." in page
    assert 'data-testid="todo-review"' not in page and 'data-testid="todo-verify"' not in page


def test_the_commune_officer_sees_drafts_to_finish(client, tree, cast, cs):
    draft = make_draft(cast, cs, tree.a)
    client.force_login(cast.staff)
    response = client.get("/")
    assertContains(response, f'href="/assessments/{draft.pk}/edit/"')
    assertContains(response, 'data-testid="todo-draft"')


def test_the_reviewer_sees_the_queue_oldest_first_and_its_size(client, tree, cast, cs):
    first = make_submitted(cast, cs, tree.a)
    second = make_submitted(cast, cs, tree.b)
    client.force_login(cast.reviewer)
    page = client.get("/").text
    assert "2 đánh giá chờ thẩm định" in page
    assert page.index(f'href="/assessments/{first.pk}/"') < page.index(f'href="/assessments/{second.pk}/"')
    assert 'data-testid="todo-commune"' not in page


def test_the_department_officer_sees_the_assessments_with_their_indicators_to_check(client, tree, cast, cs):
    submitted = make_submitted(cast, cs, tree.a)
    client.force_login(cast.officer)
    response = client.get("/")
    assertContains(response, 'data-testid="todo-verify"')
    assertContains(response, f'href="/assessments/{submitted.pk}/verify/"')


def test_an_outsider_sees_nothing_of_another_district(client, tree, cast, cs):
    make_submitted(cast, cs, tree.a)
    client.force_login(cast.outsider)
    response = client.get("/")
    assertContains(response, "0 đánh giá chờ thẩm định")
    assertNotContains(response, "Xã A")


def test_the_viewer_gets_the_dashboard_of_their_unit(client, tree, cast):
    client.force_login(cast.viewer)
    response = client.get("/")
    assertContains(response, f'href="/units/{tree.h.era}/{tree.h.code}/dashboard/"')
    assertNotContains(response, 'data-testid="todo-review"')


def test_the_criteria_admin_sees_the_sets_that_still_miss_indicators(client, tree, cast):
    make_flow_set(code="thieu", name="Bộ còn thiếu", stated_indicator_count=57)
    client.force_login(cast.admin)
    response = client.get("/")
    assertContains(response, 'data-testid="todo-sets"')
    assertContains(response, "Bộ còn thiếu")


def test_the_todo_page_costs_the_same_for_few_and_many_submissions(
    client, tree, cast, cs, django_assert_max_num_queries
):
    make_submitted(cast, cs, tree.a)
    client.force_login(cast.reviewer)
    with django_assert_max_num_queries(8) as few:
        client.get("/")
    for day in range(1, 8):
        make_submitted(cast, cs, tree.b, as_of=datetime.date(2024, 1, day))
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "8 đánh giá chờ thẩm định" in client.get("/").text
