"""Writing indicator results with PostgreSQL COPY (the national seed's ten million rows).

Django's bulk_create spends most of its time building the INSERT's parameters in Python (about
three times the database's own time at this volume); COPY streams tab-separated text instead.
Only the write changes: the rows are the IndicatorResult objects assessments_bulk_create built and
evaluated, and other databases (SQLite in tests) keep bulk_create.
"""

import io

from django.db import connection
from django.utils import timezone

from assessments.models import IndicatorResult, VerificationState

# The columns written, in order; checked against the model so that a new column fails loudly here
# instead of being silently left to its database default.
COLUMNS = (
    "assessment_id",
    "indicator_id",
    "value",
    "met",
    "target_applied",
    "note",
    "updated_by_id",
    "updated_at",
    "verification_state",
    "verification_comment",
    "verified_by_id",
    "verified_at",
)
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def check_columns() -> None:
    model_columns = {f.column for f in IndicatorResult._meta.concrete_fields if not f.primary_key}
    if model_columns != set(COLUMNS):
        changed = sorted(model_columns ^ set(COLUMNS))
        raise RuntimeError(f"IndicatorResult columns changed: {changed}; update synthetic/copy.py")


def _text(value: str) -> str:
    return value.translate(_ESCAPES) if value else ""


def copy_results(results: list[IndicatorResult]) -> None:
    """COPY the (unsaved, evaluated) results; new, unverified rows by nobody, as bulk_create would write."""
    check_columns()
    now = timezone.now().isoformat()
    unchecked = VerificationState.UNCHECKED.value
    met_text = {True: "t", False: "f", None: "\\N"}
    buffer = io.StringIO()
    write = buffer.write
    for r in results:
        value = "\\N" if r.value is None else str(r.value)
        write(
            f"{r.assessment_id}\t{r.indicator_id}\t{value}\t{met_text[r.met]}\t{_text(r.target_applied)}\t"
            f"{_text(r.note)}\t\\N\t{now}\t{unchecked}\t\t\\N\t\\N\n"
        )
    buffer.seek(0)
    table = IndicatorResult._meta.db_table
    with connection.cursor() as cursor:  # Django's wrapper; .cursor is psycopg2's own
        cursor.cursor.copy_expert(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN", buffer)


def results_writer():
    """The writer for assessments_bulk_create: COPY on PostgreSQL, None (bulk_create) elsewhere."""
    return copy_results if connection.vendor == "postgresql" else None
