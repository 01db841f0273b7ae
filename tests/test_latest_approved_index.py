"""The dashboards' hot read (dashboards.selectors.flagged_rows) is answered from the covering index
assessment_latest_cover alone on PostgreSQL: the summary columns sit in the index (INCLUDE), so the
wide rows with their unmet lists are never visited. On the national synthetic data this read went from
a scan of every row of the set to an index-only scan (bench/results/latest.md)."""

import pytest
from django.db import connection, transaction

from assessments.models import Assessment
from communes.models import Era
from dashboards.area import Area
from dashboards.selectors import SUMMARY_FIELDS, UNMET_FIELDS, flagged_rows
from tests.factories import make_approved, make_flow_set
from tests.pg import postgresql_only

pytestmark = [pytest.mark.django_db, postgresql_only]


def plan_of(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        # A handful of test rows would be read from the table whatever the indexes; forbid that, so the
        # plan shows whether the index can answer the query by itself.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        # On a few unvacuumed test rows the planner may as well take the narrower unique index on the same
        # key (assessment_one_latest_approved, no INCLUDE) and visit the heap; take it out of the choice,
        # inside this savepoint only, so the plan says whether the covering index covers the columns.
        cursor.execute("DROP INDEX assessment_one_latest_approved")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)  # the index comes back
    return plan


@pytest.fixture
def flagged(tree, cast):
    cs = make_flow_set(cast.department, code="xa-ntm-index")
    make_approved(cast, cs, tree.a)
    make_approved(cast, cs, tree.b)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Assessment._meta.db_table}")
    return cs


@pytest.mark.parametrize("unit", ["country", "district"])
def test_the_summaries_of_an_area_come_from_the_covering_index_alone(tree, flagged, unit):
    area = Area(era=Era.PRE_2025, unit=None if unit == "country" else tree.h)
    plan = plan_of(flagged_rows(area, flagged))
    assert "Index Only Scan using assessment_latest_cover" in plan, plan
    assert len(flagged_rows(area, flagged)) == 2


def test_with_the_unmet_lists_the_rows_themselves_are_read(tree, flagged):
    # The heatmap and holdbacks need the lists: the index still finds the rows, the table gives them.
    plan = plan_of(flagged_rows(Area(era=tree.h.era), flagged, SUMMARY_FIELDS + UNMET_FIELDS))
    assert "Index Only Scan using assessment_latest_cover" not in plan
