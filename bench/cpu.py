"""CPU time per request, which the machine's other load hardly changes (unlike wall time): one gunicorn sync
worker and its PostgreSQL backend, N sequential requests per page, CPU read from /proc before and after.

    export DATABASE_URL=postgres://postgres@127.0.0.1:5432/ntm_demo   # migrate, load_units --province 42,
    export DJANGO_SETTINGS_MODULE=ntm.settings DEBUG=0 SECRET_KEY=… ALLOWED_HOSTS=127.0.0.1 \
           SECURE_SSL_REDIRECT=0 DB_CONN_MAX_AGE=60                   # load_criteria, load_demo; collectstatic
    .venv/bin/python bench/cpu.py            # N=40 by default

Signs in the demo's xem.tinh (viewer of Hà Tĩnh) and admin with sessions made here; prints JSON: per page
the web worker's and the database backend's CPU ms per request, and 1000 / web CPU ms (requests per second
one core of web server serves). Linux only (/proc); the database must be on this machine.
"""

import json
import os
import subprocess
import sys
import time
import urllib.parse
import urllib.request

PORT = 8765
N = int(os.environ.get("N", "40"))
DBNAME = urllib.parse.urlsplit(os.environ["DATABASE_URL"]).path.lstrip("/")
KEYS = """
from django.contrib.auth import get_user_model
from django.contrib.sessions.backends.db import SessionStore
from rest_framework.authtoken.models import Token
User = get_user_model()
keys = []
for name in ("xem.tinh", "admin"):
    user = User.objects.get(username=name)
    session = SessionStore()
    session.update({"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                    "_auth_user_hash": user.get_session_auth_hash()})
    session.create()
    keys.append(session.session_key)
keys.append(Token.objects.get_or_create(user=User.objects.get(username="xem.tinh"))[0].key)
print(" ".join(keys))
"""
viewer_sid, admin_sid, token = subprocess.run(
    [sys.executable, "manage.py", "shell", "-v0", "-c", KEYS], capture_output=True, text=True, check=True
).stdout.split()[-3:]
PAGES = [
    ("district_dashboard (Can Lộc, 17 xã)", "/units/pre2025/443/dashboard/", viewer_sid, None),
    ("province_dashboard (Hà Tĩnh, 2025: 69 xã)", "/units/2025/42/dashboard/", viewer_sid, None),
    ("province_dashboard (Hà Tĩnh, pre2025: 216 xã)", "/units/pre2025/42/dashboard/", viewer_sid, None),
    ("national_dashboard (2025, 3.321 xã, demo data in 69)", "/dashboard/2025/", admin_sid, None),
    ("commune_page", "/units/pre2025/18436/", viewer_sid, None),
    ("summary_api", "/api/v1/units/pre2025/18436/summary/?set=qd318-ntm-2021-2025", None, token),
    ("healthz", "/healthz", None, None),
]
CLK = os.sysconf("SC_CLK_TCK")


def cpu(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK


def cpu_of(pids):
    """CPU seconds of the processes still alive (a backend that ended meanwhile served nobody here)."""
    seen = {}
    for pid in pids:
        try:
            seen[pid] = cpu(pid)
        except FileNotFoundError:
            pass
    return seen


def backends():
    out = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            "postgres",
            "-tAc",
            f"select pid from pg_stat_activity where datname='{DBNAME}' and pid<>pg_backend_pid()",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    return [int(p) for p in out]


def get(path, sid, tok):
    req = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"X-Forwarded-Proto": "https"})
    if sid:
        req.add_header("Cookie", f"sessionid={sid}")
    if tok:
        req.add_header("Authorization", f"Token {tok}")
    with urllib.request.urlopen(req) as r:
        body = r.read()
        assert r.status == 200, (path, r.status)
        return len(body)


server = subprocess.Popen(
    [
        str(os.path.join(os.path.dirname(sys.executable), "gunicorn")),
        "ntm.wsgi:application",
        "--bind",
        f"127.0.0.1:{PORT}",
        "--workers",
        "1",
        "--log-level",
        "warning",
    ],
    env={**os.environ, "HEALTH_RATE_LIMIT": "1000000"},
)  # /healthz is measured too
try:
    time.sleep(4)
    worker = int(subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()[0])
    rows = []
    for name, path, sid, tok in PAGES:
        for _ in range(5):
            size = get(path, sid, tok)
        pg = backends()
        w0, p0, t0 = cpu(worker), cpu_of(pg), time.time()
        for _ in range(N):
            get(path, sid, tok)
        w1, p1, t1 = cpu(worker), cpu_of(p0), time.time()
        web_ms, db_ms = (w1 - w0) * 1000 / N, sum(p1[pid] - p0[pid] for pid in p1) * 1000 / N
        rows.append(
            dict(
                page=name,
                bytes=size,
                web_cpu_ms=round(web_ms, 1),
                db_cpu_ms=round(db_ms, 1),
                wall_ms=round((t1 - t0) * 1000 / N, 1),
                req_s_per_web_core=round(1000 / web_ms, 1) if web_ms else None,
            )
        )
    print(json.dumps({"load_average": os.getloadavg(), "N": N, "rows": rows}, indent=1, ensure_ascii=False))
finally:
    server.terminate()
    server.wait()
