"""Which target applies: by region, by commune group, by year; and `met` computed from it."""

import datetime
from decimal import Decimal

import pytest

from assessments import services
from communes.models import CommuneGroup, Era, Region
from tests import factories

pytestmark = pytest.mark.django_db


def _income_set():
    cs = factories.make_set(criteria=[(10, "Thu nhập", ["10"])])
    ind = factories.make_numeric(
        cs,
        "10",
        op=">=",
        value="45",
        unit="triệu đồng/người/năm",
        variants=[
            {"region": Region.BTB, "value": 36},
            {"region": Region.DBSH, "value": 50},
            {"region": Region.BTB, "year": 2023, "value": 60},
            {"region": Region.BTB, "year": 2025, "value": 70},
        ],
    )
    return cs, ind


def _target(cs, ind, commune, year):
    book = services.TargetBook(cs)
    return book.target_for(ind, commune, datetime.date(year, 6, 30))


def test_region_variant_wins_over_general_target(tree):
    cs, ind = _income_set()
    target = _target(cs, ind, tree.a, 2020)  # region BTB, before the year ladder
    assert (target.operator, target.value) == (">=", Decimal("36"))


def test_latest_year_not_after_the_as_of_year_applies(tree):
    cs, ind = _income_set()
    assert _target(cs, ind, tree.a, 2023).value == Decimal("60")
    assert _target(cs, ind, tree.a, 2024).value == Decimal("60")
    assert _target(cs, ind, tree.a, 2025).value == Decimal("70")
    assert _target(cs, ind, tree.a, 2027).value == Decimal("70")


def test_no_target_when_variants_exist_but_commune_has_no_region(tree):
    cs, ind = _income_set()
    tree.a.region = ""
    assert _target(cs, ind, tree.a, 2020) is None


def test_general_target_applies_without_variants(tree):
    cs = factories.make_set(criteria=[(3, "Thủy lợi", ["3.1"])])
    ind = factories.make_numeric(cs, "3.1", op=">=", value="80")
    tree.a.region = ""
    assert _target(cs, ind, tree.a, 2023).value == Decimal("80")


def test_group_variant_applies_to_current_communes(tree):
    cs = factories.make_set(criteria=[(1, "Quy hoạch", ["1.1"])])
    ind = factories.make_numeric(
        cs,
        "1.1",
        op=">=",
        value="90",
        variants=[
            {"commune_group": CommuneGroup.NHOM1, "value": 95},
            {"commune_group": CommuneGroup.NHOM3, "value": 70},
        ],
    )
    tree.n.commune_group = CommuneGroup.NHOM3
    assert _target(cs, ind, tree.n, 2026).value == Decimal("70")
    tree.n.commune_group = ""
    assert _target(cs, ind, tree.n, 2026) is None
    assert tree.n.era == Era.CURRENT


@pytest.mark.parametrize(
    ("op", "target", "value", "met"),
    [
        (">=", "80", "80", True),
        (">=", "80", "79.999", False),
        (">", "80", "80", False),
        ("<=", "26.7", "26.7", True),
        ("<=", "26.7", "26.701", False),
        ("<", "10", "9.99", True),
        ("=", "100", "100", True),
        ("=", "100", "99.9", False),
    ],
)
def test_met_is_computed_at_the_boundary(tree, op, target, value, met):
    cs = factories.make_set(criteria=[(15, "Y tế", ["15.3"])])
    ind = factories.make_numeric(cs, "15.3", op=op, value=target)
    book = services.TargetBook(cs)
    assert book.evaluate(ind, tree.a, datetime.date(2020, 1, 1), value=Decimal(value), answer=None)[0] is met


def test_numeric_without_value_or_target_is_unknown(tree):
    cs, ind = _income_set()
    book = services.TargetBook(cs)
    assert book.evaluate(ind, tree.a, datetime.date(2020, 1, 1), value=None, answer=True) == (
        None,
        "≥36 triệu đồng/người/năm",
    )
    tree.a.region = ""
    assert book.evaluate(ind, tree.a, datetime.date(2020, 1, 1), value=Decimal(99), answer=True) == (None, "")


def test_yes_no_indicator_takes_the_answer(tree):
    cs = factories.make_set(criteria=[(1, "Quy hoạch", ["1.1"])])
    book = services.TargetBook(cs)
    ind = book.indicators[0]
    assert book.evaluate(ind, tree.a, datetime.date(2020, 1, 1), value=None, answer=False)[0] is False
    assert book.evaluate(ind, tree.a, datetime.date(2020, 1, 1), value=None, answer=True)[0] is True
