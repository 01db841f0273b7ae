"""The deployment files (deploy/): production settings pass `check --deploy`, the units run one beat, and
the reverse proxy's limits and client address header agree with the app's settings."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from ntm.lib.uploads import FORM_OVERHEAD

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"


def production_env() -> dict:
    """deploy/ntm.env.example as the processes would get it, with a real-looking secret, and the replica set."""
    env = {}
    for line in (DEPLOY / "ntm.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = "Zq8#v2LmN0pR5sT7uW9xY1zA3bC6dE-k4Hj8Gf2Ds5Aq9Wl3Xc7Vb1Nm6Pt0Ry4Ue"
    env["DATABASE_REPLICA_URL"] = "postgres://ntm:PASSWORD@db2.internal:5432/ntm"
    return env


def _run(args, env):
    full = {k: v for k, v in os.environ.items() if k not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "SECRET_KEY")}
    full |= {"DJANGO_SETTINGS_MODULE": "ntm.settings", **env}
    return subprocess.run(args, cwd=ROOT, env=full, capture_output=True, text=True)


def test_check_deploy_is_clean_with_the_production_settings():
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_production_settings_configure_the_replica_and_the_proxy():
    code = (
        "from django.conf import settings as s; print(sorted(s.DATABASES), s.DEBUG, s.NTM_PROXY_COUNT, "
        "s.NTM_CLIENT_IP_HEADER, s.SECURE_SSL_REDIRECT, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = _run([sys.executable, "manage.py", "shell", "-v0", "-c", code], production_env())
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "['default', 'replica'] False 1 X-Real-IP True False"


def test_gunicorn_loads_the_app_with_the_production_settings():
    gunicorn = Path(sys.executable).parent / "gunicorn"
    result = _run([str(gunicorn), "--check-config", "ntm.wsgi:application"], production_env())
    assert result.returncode == 0, result.stdout + result.stderr


def _exec_start(unit: str) -> str:
    text = (DEPLOY / "systemd" / unit).read_text().replace("\\\n", " ")
    assert "EnvironmentFile=/etc/ntm/ntm.env" in text
    return re.search(r"^ExecStart=(.+)$", text, re.M).group(1)


def test_the_units_run_web_worker_and_exactly_one_beat():
    assert re.search(r"gunicorn ntm\.wsgi:application .*--bind 127\.0\.0\.1:8000", _exec_start("ntm-web.service"))
    worker = _exec_start("ntm-worker.service")
    assert "celery -A ntm worker" in worker and not re.search(r"\s(-B|--beat)\b", worker)
    assert "celery -A ntm beat" in _exec_start("ntm-beat.service")
    units = {path.name: path.read_text() for path in (DEPLOY / "systemd").glob("*.service")}
    assert [name for name, text in units.items() if " beat" in _exec_start(name)] == ["ntm-beat.service"]
    # make worker / make beat: the same split for a manual start.
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^worker:.*\n\t.*celery -A ntm worker --loglevel=info\n", makefile, re.M)
    assert re.search(r"^beat:.*\n\t.*celery -A ntm beat", makefile, re.M)


def test_the_proxy_takes_the_largest_upload_and_writes_the_client_address_header():
    conf = (DEPLOY / "nginx" / "ntm.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)([km]);", conf)
    body_limit = int(size.group(1)) * {"k": 1024, "m": 1024 * 1024}[size.group(2)]
    largest_upload = max(settings.EVIDENCE_MAX_BYTES, settings.NTM_IMPORT_MAX_BYTES) + FORM_OVERHEAD
    assert body_limit >= largest_upload
    # The header the app reads (NTM_CLIENT_IP_HEADER) is the one nginx overwrites with the peer's address.
    header = production_env()["NTM_CLIENT_IP_HEADER"]
    main = conf[conf.index("location / {") :]
    assert f"proxy_set_header {header} $remote_addr;" in main
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in main  # SECURE_PROXY_SSL_HEADER
    assert "location /media/" not in conf  # private files go through the app's scope check only
    assert re.search(r"location ~ \^/\(healthz\|readyz\)\$", conf)
