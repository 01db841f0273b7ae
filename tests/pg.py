"""Tests that need PostgreSQL: skipped, with the reason, in the SQLite run; they run in .ci/run's PostgreSQL half.

Use `@postgresql_only` on the test. When DATABASE_URL is PostgreSQL they always run, and a missing client
program (pg_dump, pg_restore, psql) then fails the test under CI=true instead of skipping it.
"""

import os
import shutil

import pytest

DATABASE_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRESQL = DATABASE_URL.startswith("postgres")

postgresql_only = pytest.mark.skipif(
    not ON_POSTGRESQL, reason="needs PostgreSQL: runs when DATABASE_URL is postgres://… (.ci/run's second half)"
)


def require_programs(*names: str) -> None:
    """Skip (fail when CI=true) unless every program is on PATH."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        message = f"{', '.join(missing)} not found on PATH (apt-get install postgresql-client)."
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
