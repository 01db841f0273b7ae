"""The province completion page (QĐ 51/2025, Phụ lục III): share of xã meeting the standard by commune group,
from the stored summaries of each xã's latest approved 2026-2030 assessment; the conditions stay unknown."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Role
from assessments.models import Status
from communes.models import Level, UnitKind
from roadmap import completion
from roadmap.models import Recognition
from tests import factories
from tests.factories import make_assessment

pytestmark = pytest.mark.django_db
ALL = ["1.1", "1.2", "2.1", "2.2", "3"]


@pytest.fixture
def world(tree):
    """Tỉnh P mới: xã N (nhóm 1, meets), M (nhóm 1, below), K (nhóm 3, meets but only a draft), a phường."""
    p = tree.p_new
    n = tree.n
    n.commune_group = "nhom1"
    n.save()
    m = factories.make_unit(parent=p, code="18440", name="Xã M", level=Level.COMMUNE, commune_group="nhom1")
    k = factories.make_unit(parent=p, code="18442", name="Xã K", level=Level.COMMUNE, commune_group="nhom3")
    factories.make_unit(parent=p, code="18441", name="Phường W", level=Level.COMMUNE, kind=UnitKind.PHUONG)
    cs = factories.make_set(period_start=2026, period_end=2030)
    old = factories.make_set(period_start=2021, period_end=2025)
    make_assessment(n, cs, datetime.date(2026, 3, 31), unmet=["1.1"])
    make_assessment(n, cs, datetime.date(2026, 9, 30), met=ALL)  # the latest approved one counts
    make_assessment(m, cs, datetime.date(2026, 9, 30), met=ALL[1:], unmet=["1.1"])
    make_assessment(m, old, datetime.date(2025, 8, 30), met=ALL)  # 2021-2025 set: not counted
    make_assessment(k, cs, datetime.date(2026, 9, 30), met=ALL, status=Status.DRAFT)
    Recognition.objects.create(
        commune=n,
        level="ntm",
        decision_number="1/QĐ-UBND",
        issuing_body="UBND tỉnh",
        decision_date=datetime.date(2026, 10, 20),
    )
    viewer = factories.make_user("xem.p", unit=p, role=Role.VIEWER)
    return type("World", (), dict(p=p, n=n, m=m, k=k, cs=cs, viewer=viewer, tree=tree))


def url(unit):
    return reverse("roadmap:completion", args=[unit.era, unit.code])


def test_figures_by_group_come_from_the_latest_approved_current_assessment(world):
    c = completion.province_completion(world.p)
    by_group = {line.group: line for line in c.lines}
    g1, g3 = by_group["nhom1"], by_group["nhom3"]
    assert (g1.communes, g1.assessed, g1.meeting, g1.recognised, g1.share) == (2, 2, 1, 1, 50.0)
    assert (g3.communes, g3.assessed, g3.meeting, g3.share) == (1, 0, 0, 0.0)
    assert by_group["nhom2"].share is None
    assert (c.total.communes, c.total.meeting, c.others) == (3, 1, 1)  # the phường is shown apart


def test_the_page_shows_the_shares_and_says_the_conditions_are_unknown(client, world):
    client.force_login(world.viewer)
    page = client.get(url(world.p)).text
    assert "chưa xác định" in page and "Phụ lục III" in page
    assert "50,0%" in page and "33,3%" in page  # Vietnamese decimals
    assert "không tính vào mẫu số" in page and "mô phỏng" not in page


def test_the_page_in_english(client, world):
    client.force_login(world.viewer)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = client.get(url(world.p)).text
    assert "not determined" in page and "Annex III" in page


def test_a_simulated_set_is_said_to_be_simulated(client, world):
    world.cs.is_synthetic = True
    world.cs.save()
    client.force_login(world.viewer)
    assert "mô phỏng, không phải văn bản chính thức" in client.get(url(world.p)).text


def test_outside_the_scope_a_district_or_an_old_province_it_is_404(client, world):
    outsider = factories.make_user("xem.h2", unit=world.tree.h2, role=Role.VIEWER)
    client.force_login(outsider)
    assert client.get(url(world.p)).status_code == 404
    client.force_login(factories.make_user("root", is_superuser=True))
    assert client.get(url(world.tree.p)).status_code == 404
    assert client.get(url(world.n)).status_code == 404


def test_the_province_page_and_its_dashboard_link_to_it(client, world):
    client.force_login(world.viewer)
    assert url(world.p) in client.get(world.p.get_absolute_url()).text
    assert url(world.p) in client.get(reverse("dashboards:unit", args=[world.p.era, world.p.code])).text
