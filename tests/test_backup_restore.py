"""Backups that restore (scripts/backup.sh, scripts/restore.sh): the demo in a fresh PostgreSQL database,
with evidence files, dumped and restored into another fresh one, gives the same summaries and files.

The restore itself needs PostgreSQL (pg_dump/pg_restore): it runs in .ci/run's PostgreSQL half. The two databases
are made and dropped here, next to the test database, through `manage.py` in subprocesses as an operator would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.pg import DATABASE_URL, postgresql_only, require_programs

ROOT = Path(__file__).resolve().parent.parent

# Evidence files on a few results of the demo, through the storage API (as an upload stores them).
ADD_EVIDENCE = """
from django.core.files.base import ContentFile
from assessments.models import EvidenceFile, IndicatorResult, Status
open_results = IndicatorResult.objects.exclude(assessment__status=Status.APPROVED).order_by("id")
for n, result in enumerate(open_results[:5]):
    content = ("Biên bản kiểm tra số %d\\n" % n).encode() * (n + 1)
    evidence = EvidenceFile(result=result, original_name="bien-ban-%d.pdf" % n, content_type="application/pdf",
                            size=len(content))
    evidence.file.save("bien-ban-%d.pdf" % n, ContentFile(content), save=True)
"""

# What a user would see: per commune, each assessment's criteria met; and each evidence file, read back
# through the storage with its checksum.
SUMMARIES = """
import hashlib, json
from assessments.models import Assessment, EvidenceFile
rows = Assessment.objects.order_by("commune__era", "commune__code", "criteria_set__code", "as_of", "id")
print(json.dumps({
    "assessments": [
        [a.commune.era, a.commune.code, a.criteria_set.code, str(a.as_of), a.status, a.criteria_met,
         a.criteria_total, a.meets_standard, a.is_latest_approved]
        for a in rows.select_related("commune", "criteria_set")
    ],
    "evidence": [
        [e.file.name, e.size, hashlib.sha256(e.file.open("rb").read()).hexdigest()]
        for e in EvidenceFile.objects.order_by("id")
    ],
}))
"""


def _url(name: str) -> str:
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _psql(sql: str) -> None:
    subprocess.run(["psql", "-v", "ON_ERROR_STOP=1", "-qc", sql, _url("postgres")], check=True, capture_output=True)


def _run(args, **env):
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")}
    full |= {"DJANGO_SETTINGS_MODULE": "ntm.settings", "CELERY_BROKER_URL": "", **env}
    result = subprocess.run(args, cwd=ROOT, env=full, capture_output=True, text=True)
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def databases():
    require_programs("psql", "pg_dump", "pg_restore")
    names = [f"ntm_backup_src_{os.getpid()}", f"ntm_backup_dst_{os.getpid()}"]
    for name in names:
        _psql(f'DROP DATABASE IF EXISTS "{name}"')
        _psql(f'CREATE DATABASE "{name}"')
    yield [_url(name) for name in names]
    for name in names:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@postgresql_only
@pytest.mark.slow
def test_a_backup_of_the_demo_restores_the_same_summaries_and_files(databases, tmp_path):
    src, dst = databases
    media_src, media_dst, backup = tmp_path / "media-src", tmp_path / "media-dst", tmp_path / "backup"
    manage = [sys.executable, "manage.py"]
    source = {"DATABASE_URL": src, "MEDIA_ROOT": str(media_src)}
    _run([*manage, "migrate", "--no-input", "-v0"], **source)
    _run([*manage, "load_units", "--province", "42"], **source)  # Hà Tĩnh: all the demo needs
    _run([*manage, "load_criteria"], **source)
    _run([*manage, "load_demo"], **source)
    _run([*manage, "shell", "-c", ADD_EVIDENCE], **source)
    before = json.loads(_run([*manage, "shell", "-v0", "-c", SUMMARIES], **source).splitlines()[-1])
    assert len(before["assessments"]) > 100 and len(before["evidence"]) == 5

    _run(["bash", "scripts/backup.sh", str(backup)], **source)
    assert (backup / "ntm.dump").stat().st_size > 0 and len((backup / "files.sha256").read_text().splitlines()) == 5
    restored = {"DATABASE_URL": dst, "MEDIA_ROOT": str(media_dst)}
    _run(["bash", "scripts/restore.sh", str(backup)], **restored)

    after = json.loads(_run([*manage, "shell", "-v0", "-c", SUMMARIES], **restored).splitlines()[-1])
    assert after == before
    # Nothing left to migrate in the restored database: it is ready to serve.
    assert "[ ]" not in _run([*manage, "showmigrations", "--plan"], **restored)


def test_a_restore_refuses_files_that_do_not_match_their_checksums(tmp_path):
    require_programs("sha256sum")
    backup = tmp_path / "backup"
    (backup / "files" / "evidence").mkdir(parents=True)
    (backup / "files" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 original")
    (backup / "files.sha256").write_text(
        subprocess.run(
            ["sha256sum", "./evidence/a.pdf"], cwd=backup / "files", capture_output=True, text=True, check=True
        ).stdout
    )
    (backup / "ntm.dump").write_bytes(b"not read")
    (backup / "files" / "evidence" / "a.pdf").write_bytes(b"%PDF-1.4 changed")
    env = {**os.environ, "DATABASE_URL": _url("ntm_never_touched"), "MEDIA_ROOT": str(tmp_path / "media")}
    result = subprocess.run(
        ["bash", "scripts/restore.sh", str(backup)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "FAILED" in result.stdout + result.stderr
    assert not (tmp_path / "media").exists()
