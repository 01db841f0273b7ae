"""Numbers as Vietnamese offices write them (issue 12, item 5): 10.051 and 13,9, one rounding rule."""

import datetime
from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from dashboards import figures
from dashboards.templatetags.dashboards_ui import one_decimal, signed
from ntm.lib import numbers
from ntm.lib.numbers import plain_number


def test_large_numbers_are_grouped_the_vietnamese_way_in_templates():
    with translation.override("vi"):
        assert Template("{{ n }} · 1/{{ n }}").render(Context({"n": 10051})) == "10.051 · 1/10.051"
        assert plain_number(10051) == "10.051"
        assert numbers.grouped(10051) == "10.051" and numbers.grouped(999) == "999"
    with translation.override("en"):
        assert Template("{{ n }}").render(Context({"n": 10051})) == "10,051"


def test_the_average_is_rounded_half_up_not_truncated():
    assert numbers.average(236, 17) == Decimal("13.9")  # 13.882…, which a truncation wrote 13,8
    assert numbers.average(1, 20) == Decimal("0.1")  # 0.05: half up, not to even
    assert numbers.average(5, 0) is None
    assert numbers.round_half_up(0.25) == Decimal("0.3")
    with translation.override("vi"):
        assert one_decimal(236 / 17) == "13,9"
        assert one_decimal(Decimal("13.85")) == "13,9"


def test_headline_and_trend_show_the_same_average_for_the_same_communes():
    headline = figures.Headline(communes=17, assessed=17, criteria_met_sum=236)
    history = [(i, datetime.date(2024, 3, 1), met, 19) for i, met in enumerate([14] * 15 + [13, 13])]
    periods = figures.trend(history, until=datetime.date(2024, 3, 31), by="quarter", label=str)
    assert headline.average == periods[0].average == Decimal("13.9")


def test_the_change_is_the_difference_of_the_shown_averages():
    now = figures.Headline(communes=17, assessed=17, criteria_met_sum=236)  # 13,9
    then = figures.Headline(communes=17, assessed=17, criteria_met_sum=137)  # 8.0588… → 8,1
    change = figures.headline_change(now, then)["average"]
    assert change == Decimal("5.8") and change + then.average == now.average
    with translation.override("vi"):
        assert f"{signed(change, 1)} so với {one_decimal(then.average)}" == "+5,8 so với 8,1"
