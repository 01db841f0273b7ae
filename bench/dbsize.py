"""Database bytes per assessment through the real path, with its history: for each commune of the demo's
district (huyện Can Lộc), create four assessments under QĐ 318, each from the latest one, change a third of its
answers, submit it and approve it, then compare the tables' sizes (pg_total_relation_size, after VACUUM).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_dbsize .venv/bin/python bench/dbsize.py

On a database holding the demo only (`load_units --province 42`, `load_criteria`, `load_demo`): the
assessments it adds are flagged demo. Prints one JSON object.
"""

import datetime
import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ntm.settings")
import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Membership, Role  # noqa: E402
from assessments import services  # noqa: E402
from communes.models import AdministrativeUnit, Era  # noqa: E402
from criteria.models import CriteriaSet, IndicatorKind  # noqa: E402

AS_OFS = [datetime.date(2025, month, 1) for month in (2, 3, 4, 5)]  # four rounds of every commune


def table_sizes() -> dict[str, int]:
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
        cursor.execute("SELECT relname, pg_total_relation_size(relid), n_live_tup FROM pg_stat_user_tables")
        return {name: (size, rows) for name, size, rows in cursor.fetchall()}


def main() -> None:
    cs = CriteriaSet.objects.get(code="qd318-ntm-2021-2025")
    district = AdministrativeUnit.objects.get(era=Era.PRE_2025, code="443")
    communes = list(AdministrativeUnit.objects.under(district).communes().order_by("code"))
    staff, _ = get_user_model().objects.get_or_create(username="bench.dbsize")
    for commune in communes:
        Membership.objects.get_or_create(user=staff, unit=commune, role=Role.COMMUNE_STAFF)
    reviewer = get_user_model().objects.get(username="thamdinh.huyen")
    before = table_sizes()
    rounds = [(commune, as_of) for as_of in AS_OFS for commune in communes]
    for commune, as_of in rounds:
        assessment = services.assessment_create(
            commune=commune, criteria_set=cs, as_of=as_of, by=staff, is_demo=True, copy_from_latest=True
        )
        results = list(assessment.results.select_related("indicator").order_by("indicator__code"))
        entries = {}
        for result in results[::3]:  # a third of the answers changed once
            if result.indicator.kind == IndicatorKind.NUMERIC:
                entries[result.indicator.code] = {"value": str((result.value or 0) + 1)}
            else:
                entries[result.indicator.code] = {"met": not result.met}
        services.indicator_results_update(assessment=assessment, entries=entries, by=staff)
        unanswered = {
            r.indicator.code: ({"value": "1"} if r.indicator.kind == IndicatorKind.NUMERIC else {"met": True})
            for r in assessment.results.select_related("indicator")
            if r.value is None and r.met is None
        }
        if unanswered:
            services.indicator_results_update(assessment=assessment, entries=unanswered, by=staff)
        assessment.refresh_from_db()
        services.assessment_submit(assessment=assessment, by=staff)
        assessment.refresh_from_db()
        services.assessment_approve(assessment=assessment, by=reviewer, confirm_unverified=True)
    after = table_sizes()
    grown = {
        name: (after[name][0] - before.get(name, (0, 0))[0], after[name][1] - before.get(name, (0, 0))[1])
        for name in after
        if after[name][0] != before.get(name, (0, 0))[0]
    }
    total = sum(size for size, _rows in grown.values())
    print(
        json.dumps(
            {
                "assessments": len(rounds),
                "indicators_per_assessment": len(results),
                "bytes_total": total,
                "bytes_per_assessment": total // len(rounds),
                "tables": {name: {"bytes": size, "rows": rows} for name, (size, rows) in sorted(grown.items())},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
