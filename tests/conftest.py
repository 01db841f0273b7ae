import os

import pytest

from communes.models import Era, Level, Region
from tests import factories


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}; CI={os.environ.get('CI', '')}"


@pytest.fixture
def tree(db):
    """A small cast of units: province P (region BTB) → district H → communes A, B; district H2 → C;
    after the reform, province P' → commune N formed from A (whole) and B (part)."""
    p = factories.make_unit(code="42", name="Tỉnh P", region=Region.BTB)
    h = factories.make_unit(parent=p, code="443", name="Huyện H")
    a = factories.make_unit(parent=h, code="18436", name="Xã A")
    b = factories.make_unit(parent=h, code="18439", name="Xã B")
    h2 = factories.make_unit(parent=p, code="444", name="Huyện H2")
    c = factories.make_unit(parent=h2, code="18500", name="Xã C")
    p_new = factories.make_unit(code="42", name="Tỉnh P mới", era=Era.CURRENT)
    n = factories.make_unit(parent=p_new, code="18436", name="Xã N", level=Level.COMMUNE)
    factories.make_succession(a, n)
    factories.make_succession(b, n, partial=True)
    return type("Tree", (), dict(p=p, h=h, a=a, b=b, h2=h2, c=c, p_new=p_new, n=n))
