"""Two web servers, one truth: two gunicorn instances on two loopback ports share one PostgreSQL database,
Redis (cache, sessions and the Celery broker) and one S3 bucket (moto's server), with one real Celery
worker process. A browser-like HTTP client (requests, with its cookies and the CSRF token) checks that

- a user signed in on A is signed in on B (the same cookie; the session is in Redis and the database);
- an evidence file uploaded through A downloads through B (the bucket), and not for a user out of scope;
- a workbook import started on A is run by the worker and its result is seen on B;
- a save on B makes A's form stale: A's save from the older revision is refused.

Everything runs as separate processes configured only through the environment, as in a deployment
(ntm.settings, never ntm.test_settings). PostgreSQL, Redis or moto missing: fails under CI=true, skipped
otherwise. The migrated database is kept as a template between runs (keyed by the migrations' content),
so only the first run pays for `migrate`.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse

from tests.helpers import PDF
from tests.s3_fixtures import free_port, wait_for_http

pytestmark = pytest.mark.slow

ROOT = Path(django_settings.BASE_DIR)
BIN = Path(sys.executable).parent
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
REDIS_URL = os.environ.get("NTM_TEST_TWO_SERVERS_REDIS_URL", "redis://127.0.0.1:6379/8")
RUN = f"ntm-two-{os.getpid()}"


def _missing(message: str):
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _pg_admin():
    import psycopg2

    try:
        conn = psycopg2.connect(dbname="postgres", connect_timeout=3, **PG)
    except psycopg2.OperationalError as exc:
        _missing(f"PostgreSQL is not reachable at {PG['host']}:{PG['port']} ({exc}); the two-server test needs it.")
    conn.autocommit = True
    return conn


def _redis():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=2)
    try:
        client.ping()
    except redis.RedisError as exc:
        _missing(f"Redis is not reachable at {REDIS_URL} ({exc}); the two-server test needs it.")
    return client


def _db_exists(cursor, name: str) -> bool:
    cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    return cursor.fetchone() is not None


def _migrations_key() -> str:
    digest = hashlib.sha256()
    for path in sorted(ROOT.glob("*/migrations/*.py")):
        digest.update(path.relative_to(ROOT).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def _run(args: list[str], env: dict, timeout: int = 600) -> str:
    result = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    return result.stdout


def _migrated_template(cursor, base_env: dict) -> str:
    """A database with every migration applied, made once per set of migrations and copied for each run."""
    template = f"ntm_two_servers_tpl_{_migrations_key()}"
    if _db_exists(cursor, template):
        return template
    building = f"{template}_{os.getpid()}"
    cursor.execute(f'CREATE DATABASE "{building}"')
    env = {**base_env, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{building}"}
    _run([sys.executable, "manage.py", "migrate", "--no-input"], env)
    if not _db_exists(cursor, template):  # another run may have finished first
        cursor.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    else:
        cursor.execute(f'DROP DATABASE "{building}"')
    # Templates of older migrations are of no further use.
    cursor.execute(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ntm\\_two\\_servers\\_tpl\\_%%' "
        "AND datname <> %s AND length(datname) = %s",
        [template, len(template)],
    )
    for (old,) in cursor.fetchall():
        cursor.execute(f'DROP DATABASE IF EXISTS "{old}"')
    return template


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, cwd=ROOT, stdout=log.open("wb"), stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Stack:
    def __init__(self, a, b, data, bucket, s3, logs):
        self.a, self.b, self.data, self.bucket, self.s3, self.logs = a, b, data, bucket, s3, logs

    def log_tail(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-2000:]}" for p in sorted(self.logs.glob("*.log"))
        )


@pytest.fixture(scope="module")
def stack(s3_server, tmp_path_factory):  # noqa: F811
    admin = _pg_admin()
    redis_client = _redis()
    logs = tmp_path_factory.mktemp("two-servers")
    database = f"ntm_two_servers_{os.getpid()}"
    bucket = s3_server.new_bucket("ntm-two")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST_"))},
        "DJANGO_SETTINGS_MODULE": "ntm.settings",
        "DEBUG": "1",
        "SECRET_KEY": "two-servers-test-secret-key-shared-by-both-servers-0123456789abcdef",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{database}",
        "CACHE_URL": REDIS_URL,
        "CACHE_KEY_PREFIX": RUN,
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_QUEUE": RUN,
        "NTM_JOB_RUNNER": "celery",
        "STORAGE_URL": s3_server.storage_url(bucket),
        "MEDIA_ROOT": str(logs / "media-must-stay-empty"),
        "CELERY_BEAT_SCHEDULE_FILENAME": str(logs / "celerybeat-schedule"),
        "PYTHONPATH": str(ROOT),
    }
    processes = []
    with admin.cursor() as cursor:
        template = _migrated_template(cursor, env)
        cursor.execute(f'DROP DATABASE IF EXISTS "{database}"')
        cursor.execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
    try:
        ports = free_port(), free_port()
        for name, port in zip("ab", ports, strict=True):
            processes.append(
                _start(
                    [
                        str(BIN / "gunicorn"),
                        "ntm.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        "1",
                        "--threads",
                        "4",
                        "--timeout",
                        "60",
                        "--graceful-timeout",
                        "5",
                        "--access-logfile",
                        "-",
                    ],
                    env,
                    logs / f"gunicorn-{name}.log",
                )
            )
        processes.append(
            _start(
                [
                    str(BIN / "celery"),
                    "-A",
                    "ntm",
                    "worker",
                    "--pool=solo",
                    "--concurrency=1",
                    "--loglevel=info",
                    "--without-heartbeat",
                    "--without-gossip",
                    "--without-mingle",
                ],
                env,
                logs / "worker.log",
            )
        )
        # The servers boot while the data is loaded (nothing asks them anything before).
        data = json.loads(
            _run([sys.executable, "-m", "tests.two_servers_seed", str(logs / "import.xlsx")], env)
            .strip()
            .splitlines()[-1]
        )
        a, b = (f"http://127.0.0.1:{port}" for port in ports)
        for url, process in zip((a, b), processes, strict=False):
            wait_for_http(f"{url}/healthz", timeout=60, process=process)
        yield Stack(a, b, data, bucket, s3_server, logs)
    finally:
        for process in processes:  # all at once: each may take a few seconds to shut down
            process.terminate()
        for process in processes:
            _stop(process)
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        admin.close()
        keys = list(redis_client.scan_iter(match=f"*{RUN}*"))
        if keys:
            redis_client.delete(*keys)


def _session():
    import requests

    return requests.Session()


def _csrf(session) -> dict:
    return {"X-CSRFToken": session.cookies.get("csrftoken", "")}


def _sign_in(session, base: str, username: str, password: str):
    login = base + reverse("login")
    session.get(login, timeout=30).raise_for_status()
    response = session.post(
        login,
        data={"username": username, "password": password},
        headers=_csrf(session),
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, response.text[:2000]
    return response


def _signed_in(session, base: str) -> bool:
    response = session.get(base + reverse("web:home"), timeout=30, allow_redirects=False)
    return response.status_code == 200


def test_two_servers_share_sessions_files_jobs_and_revisions(stack):
    data, a, b = stack.data, stack.a, stack.b
    for base in (a, b):
        ready = _session().get(f"{base}/readyz", timeout=30)
        assert ready.status_code == 200, (ready.text, stack.log_tail())

    # Signed in on A is signed in on B: one cookie, one session (Redis + database).
    user = _session()
    assert not _signed_in(user, b)
    _sign_in(user, a, data["username"], data["password"])
    assert _signed_in(user, a) and _signed_in(user, b)
    assert data["username"] in user.get(b + reverse("web:home"), timeout=30).text

    # An evidence file uploaded through A downloads through B.
    upload_url = reverse("web:assessment_evidence_upload", kwargs={"pk": data["draft"], "code": "1.1"})
    response = user.post(
        a + upload_url, files={"file-1.1": ("biên bản.pdf", PDF, "application/pdf")}, headers=_csrf(user), timeout=30
    )
    assert response.status_code == 200, stack.log_tail()
    keys = stack.s3.keys(stack.bucket, "evidence/")
    assert len(keys) == 1 and stack.s3.read(stack.bucket, keys[0]) == PDF
    edit_url = reverse("web:assessment_edit", kwargs={"pk": data["draft"]})
    page_b = user.get(b + edit_url, timeout=30).text
    found = re.search(rf'href="(/api/v1/assessments/{data["draft"]:d}/evidence/\d+/)"', page_b)
    assert found, "B's form does not list the file uploaded through A"
    download = user.get(b + found.group(1), timeout=30)
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["Content-Type"] == "application/pdf"
    outsider = _session()
    _sign_in(outsider, b, data["outsider"], data["outsider_password"])
    assert outsider.get(a + found.group(1), timeout=30).status_code == 404

    # A workbook import started on A is run by the worker; its result is seen on B.
    with (stack.logs / "import.xlsx").open("rb") as workbook:
        started = user.post(
            a + reverse("workbooks:import"),
            headers=_csrf(user),
            timeout=30,
            allow_redirects=False,
            files={"file": ("xa-a.xlsx", workbook, "application/octet-stream")},
        )
    assert started.status_code == 302, started.text[:2000]
    job_url = started.headers["Location"]
    deadline = time.monotonic() + 90
    while True:
        page = user.get(b + job_url, timeout=30).text
        if "Đã nhập tệp xa-a.xlsx." in page:
            break
        assert time.monotonic() < deadline, f"The import did not finish on B:\n{stack.log_tail()}"
        time.sleep(0.5)
    assert "Tạo mới 1, cập nhật 0, không đổi 0 đánh giá." in page and "31/12/2024" in page
    assert stack.s3.keys(stack.bucket, "imports/") == []  # the upload is deleted once imported

    # A stale save: the form opened on A, a save on B, then A's save from the older revision is refused.
    page_a = user.get(a + edit_url, timeout=30).text
    seen = re.search(r'name="revision" value="(\d+)"', page_a).group(1)
    saved = user.post(
        b + edit_url, data={"revision": seen, "met-1.1": "1"}, headers=_csrf(user), timeout=30, allow_redirects=False
    )
    assert saved.status_code == 302, saved.text[:2000]
    refused = user.post(
        a + edit_url,
        data={"revision": seen, "met-1.1": "0", "met-1.2": "1"},
        headers=_csrf(user),
        timeout=30,
        allow_redirects=False,
    )
    assert refused.status_code == 200 and 'data-testid="stale"' in refused.text
    assert "Đánh giá vừa được người khác sửa ở các chỉ tiêu 1.1" in refused.text
    # What B saved is what both servers show.
    for base in (a, b):
        form = user.get(base + edit_url, timeout=30).text
        assert f'name="revision" value="{int(seen) + 1}"' in form

    # Nothing went to a local disk.
    assert not (stack.logs / "media-must-stay-empty").exists()
