"""Dates in forms: typed and shown as dd/mm/yyyy in both languages, and a free date proposed."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from assessments.models import Assessment
from ntm.lib.forms import DayField
from tests.factories import make_draft, make_flow_set


@pytest.fixture
def set_2021_2030(cast):
    return make_flow_set(cast.department, period_start=2021, period_end=2030)


def create_url(commune):
    return reverse("web:assessment_create", kwargs={"era": commune.era, "code": commune.code})


@pytest.mark.parametrize("language", ["vi", "en"])
def test_a_day_first_date_means_the_same_day_in_both_languages(language):
    with translation.override(language):
        assert DayField().clean("05/03/2025") == datetime.date(2025, 3, 5)
        assert DayField().clean("2025-03-05") == datetime.date(2025, 3, 5)


def test_no_form_uses_the_browser_s_date_picker(client, tree, cast, set_2021_2030):
    client.force_login(cast.staff)
    with time_machine.travel(datetime.datetime(2026, 12, 4, 9, 0), tick=False):
        response = client.get(create_url(tree.a))
    assertNotContains(response, 'type="date"')
    assertContains(response, 'placeholder="dd/mm/yyyy"')


@time_machine.travel(datetime.datetime(2024, 6, 30, 9, 0), tick=False)
def test_the_create_form_proposes_today_when_it_is_free(client, tree, cast, set_2021_2030):
    client.force_login(cast.staff)
    assertContains(client.get(create_url(tree.a)), 'value="30/06/2024"')


@time_machine.travel(datetime.datetime(2024, 6, 30, 9, 0), tick=False)
def test_the_create_form_proposes_the_end_of_the_year_when_today_is_taken(client, tree, cast, set_2021_2030):
    make_draft(cast, set_2021_2030, tree.a, as_of=datetime.date(2024, 6, 30))
    client.force_login(cast.staff)
    response = client.get(create_url(tree.a))
    assertContains(response, 'value="31/12/2024"')
    assertNotContains(response, 'value="30/06/2024"')


@time_machine.travel(datetime.datetime(2024, 12, 31, 9, 0), tick=False)
def test_the_create_form_proposes_the_next_free_day_when_both_are_taken(client, tree, cast, set_2021_2030):
    make_draft(cast, set_2021_2030, tree.a, as_of=datetime.date(2024, 12, 31))
    client.force_login(cast.staff)
    assertContains(client.get(create_url(tree.a)), 'value="01/01/2025"')


@time_machine.travel(datetime.datetime(2024, 6, 30, 9, 0), tick=False)
def test_an_english_user_types_a_day_first_date(client, tree, cast, set_2021_2030):
    client.force_login(cast.staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(create_url(tree.a), {"criteria_set": set_2021_2030.pk, "as_of": "05/03/2024"})
    assert Assessment.objects.get(commune=tree.a).as_of == datetime.date(2024, 3, 5)
