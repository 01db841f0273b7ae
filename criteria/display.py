"""A target as the decision writes it: its own text when it has one, else "≥80%" built from the
operator, value and unit (numbers in the active language: ≥1.000 m², ≥36,5%)."""

from decimal import Decimal

from criteria.models import Operator
from ntm.lib.numbers import plain_number

OPERATOR_SYMBOLS = dict(Operator.choices)


def target_label(*, operator: str, value: Decimal | None, text: str, unit: str) -> str:
    """The text the decision writes when there is one, else "≥80%" built from operator and value."""
    if text:
        return text
    if operator and value is not None:
        number = plain_number(value)
        suffix = unit if unit == "%" else f" {unit}" if unit else ""
        return f"{OPERATOR_SYMBOLS.get(operator, operator)}{number}{suffix}"
    return ""


def indicator_target(indicator) -> str:
    return target_label(
        operator=indicator.operator, value=indicator.target_value, text=indicator.target_text, unit=indicator.unit
    )


def variant_target(variant) -> str:
    return target_label(operator=variant.operator, value=variant.value, text=variant.text, unit=variant.unit)
