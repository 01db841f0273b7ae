"""Minimal data for tests/test_two_servers.py, written into the database the two servers share.

Run as `python -m tests.two_servers_seed WORKBOOK_PATH` with the servers' environment (ntm.settings): makes
the small cast of tests/factories.py (province P, district H, communes A, B, C and their users), a
published criteria set, a draft of commune A, and writes a filled workbook of commune A (another date) to
WORKBOOK_PATH; prints the ids the test needs as one JSON line.
"""

import datetime
import json
import sys

import django


def main(workbook_path: str) -> None:
    django.setup()
    from communes.models import Region
    from tests import factories
    from tests.factories import make_cast, make_draft, make_flow_set
    from tests.helpers import fill, sheet_of
    from workbooks import services

    p = factories.make_unit(code="42", name="Tỉnh P", region=Region.BTB)
    h = factories.make_unit(parent=p, code="443", name="Huyện H")
    a = factories.make_unit(parent=h, code="18436", name="Xã A")
    b = factories.make_unit(parent=h, code="18439", name="Xã B")
    h2 = factories.make_unit(parent=p, code="444", name="Huyện H2")
    c = factories.make_unit(parent=h2, code="18500", name="Xã C")
    tree = type("Tree", (), dict(p=p, h=h, a=a, b=b, h2=h2, c=c))
    cast = make_cast(tree)
    cs = make_flow_set(cast.department)
    draft = make_draft(cast, cs, a, answers={})

    as_of = datetime.date(2024, 12, 31)
    wb = services.template_for(cs, a, as_of)
    fill(
        sheet_of(wb, a),
        {
            "1.1": ("Đạt", None),
            "1.2": ("Đạt", None),
            "2.1": (80, "Báo cáo"),
            "2.2": ("Đạt", None),
            "3": ("Chưa đạt", None),
        },
    )
    wb.save(workbook_path)
    print(
        json.dumps(
            {
                "username": cast.staff.username,
                "password": "pw-" + cast.staff.username,
                "outsider": cast.staff_c.username,
                "outsider_password": "pw-" + cast.staff_c.username,
                "draft": draft.pk,
                "revision": draft.revision,
                "set": cs.pk,
                "commune": a.pk,
                "import_as_of": as_of.isoformat(),
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
