"""The units admin: list, change and history pages, lineage on the unit's page, region and group edits."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communes.models import CommuneGroup, Region
from tests import factories
from tests.helpers import change_form_data

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"admin:communes_{name}", args=args)


def test_list_and_change_pages_open(admin_client, tree):
    assert admin_client.get(url("administrativeunit_changelist")).status_code == 200
    assert admin_client.get(url("administrativeunit_change", tree.n.pk)).status_code == 200
    assert admin_client.get(url("administrativeunit_history", tree.n.pk)).status_code == 200
    assert admin_client.get(url("administrativeunit_add")).status_code == 200
    assert admin_client.get(url("unitsuccession_changelist")).status_code == 200
    succession = tree.n.succession_from.first()
    assert admin_client.get(url("unitsuccession_change", succession.pk)).status_code == 200


def test_the_change_page_lists_predecessors_and_successors_with_the_partial_flag(admin_client, tree):
    new_page = admin_client.get(url("administrativeunit_change", tree.n.pk))
    rows = new_page.context["inline_admin_formsets"][0].formset.queryset
    assert {(row.predecessor, row.partial) for row in rows} == {(tree.a, False), (tree.b, True)}
    html = new_page.content.decode()
    assert "Đơn vị cũ (kế thừa từ)" in html and "Sáp nhập một phần" in html
    assert f'href="{url("administrativeunit_change", tree.b.pk)}"' in html
    old_page = admin_client.get(url("administrativeunit_change", tree.b.pk))
    assert [row.successor for row in old_page.context["inline_admin_formsets"][1].formset.queryset] == [tree.n]


def test_no_page_renders_every_unit_as_an_option(admin_client, tree):
    change = admin_client.get(url("administrativeunit_change", tree.a.pk)).content.decode()
    add = admin_client.get(url("administrativeunit_add")).content.decode()
    assert 'name="parent"' not in change  # read-only on a loaded unit
    assert 'class="admin-autocomplete' in add and add.count("<option") < 40


def test_region_and_group_are_editable_and_recorded_in_history(admin_client, tree):
    page = admin_client.get(url("administrativeunit_change", tree.n.pk))
    data = change_form_data(page) | {"region": Region.TDMNPB, "commune_group": CommuneGroup.NHOM3, "code": "99999"}
    response = admin_client.post(url("administrativeunit_change", tree.n.pk), data)
    assert response.status_code == 302
    tree.n.refresh_from_db()
    assert (tree.n.region, tree.n.commune_group, tree.n.code) == (Region.TDMNPB, CommuneGroup.NHOM3, "18436")
    assert tree.n.history.first().region == Region.TDMNPB


def test_search_by_code_finds_the_unit_of_each_era(admin_client, tree):
    page = admin_client.get(url("administrativeunit_changelist"), {"q": "18436"})
    assert {unit.pk for unit in page.context["cl"].result_list} == {tree.a.pk, tree.n.pk}


def test_list_query_count_does_not_grow_with_units(admin_client, tree):
    def queries():
        with CaptureQueriesContext(connection) as ctx:
            admin_client.get(url("administrativeunit_changelist"))
        return len(ctx)

    few = queries()
    for _ in range(5):
        factories.make_unit(parent=tree.h2)
    assert queries() == few
