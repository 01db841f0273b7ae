"""The benchmark: page timings, queries per request and throughput on national-scale data.

    make bench                      # DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/ntm_bench
    .venv/bin/python bench/run.py --requests 30 --duration 10 [--growth]

Needs the synthetic data (manage.py load_units; manage.py seed_synthetic --settings=bench.settings --era both --jobs 2).
For each page: p50/p95 server time through Django's test client after a warm-up, in several short
rounds (the verdicts read the best round; the median of all requests is printed beside it, and a page
whose rounds disagree by more than 25% is marked unstable), queries per request
(CaptureQueriesContext), and, through gunicorn on loopback with 4 concurrent clients (bench/load.py,
a second process), requests per second and p95, again in rounds, after every worker has booted and
each page was warmed over HTTP. For each page the load average and the CPU its processes got are
recorded. For each dashboard also the "floor": one hand-written SQL query computing the same figures
from the stored summaries, timed in the same run, and the ratio page / (floor + the fixed cost of any
signed-in request, measured on /bench/empty/). Verdicts against the targets of the speed issue close
the report. Writes bench/results/latest.json and latest.md (with the machine); --growth writes
bench/growth.md.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ntm_bench"
# Server settings for a production-like run (DEBUG off, no HTTPS redirect on loopback).
# Persistent connections (DB_CONN_MAX_AGE) as a production deployment would set them: without, each
# request through gunicorn also pays for a new PostgreSQL backend.
SERVER_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "bench-only-not-secret",
    "SECURE_SSL_REDIRECT": "0",
    "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DB_CONN_MAX_AGE": "60",
}
# Targets of the speed issue (p95 in ms of the best round, in-process) — the verdicts at the end of the report.
# The national page is a summary by province since issue 14 (target 300 ms p95).
TARGETS_MS = {
    "district_dashboard": 30,
    "province_dashboard": 100,
    "national_dashboard": 300,
    "commune_page": 60,
    "save_assessment": 100,
}
# Requests per second through gunicorn with 4 clients, warm, best round.
TARGET_RPS = {"district_dashboard": 100, "province_dashboard": 50}
# Queries per request: on a cache miss (the data version just bumped) and on a hit (ntm.lib.data_version).
MAX_QUERIES, MAX_QUERIES_HIT, MAX_FLOOR_RATIO = 10, 3, 3.0
UNSTABLE_SPREAD = 0.25  # rounds whose p50 differ by more than this are reported as unstable

if __name__ == "__main__":  # standalone: configure Django before importing the app
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    for key, value in SERVER_ENV.items():
        os.environ.setdefault(key, value)
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    import django

    django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import Membership, Role  # noqa: E402
from assessments.models import Assessment, IndicatorResult, Status  # noqa: E402
from communes.models import AdministrativeUnit, Level  # noqa: E402
from criteria.models import CriteriaSet, IndicatorKind  # noqa: E402
from ntm.lib import data_version  # noqa: E402

ERA = "pre2025"


# ---------------------------------------------------------------- what to measure


def bench_sets() -> tuple[CriteriaSet, CriteriaSet]:
    """(the set the dashboards show, the 75-indicator set whose assessment is saved): the synthetic ones
    when seeded, else the pre-2025 sets with the most assessments (tiny test data)."""
    sets = list(
        CriteriaSet.objects.filter(assessments__commune__era=ERA)
        .annotate(n=Count("assessments"), k=Count("indicators", distinct=True))
        .order_by("-n", "code")
    )
    if not sets:
        raise SystemExit("No assessments: run manage.py seed_synthetic --settings=bench.settings first.")
    by_code = {cs.code: cs for cs in sets}
    main = by_code.get("synthetic-xa-ntm-2021-2025", sets[0])
    big = by_code.get("synthetic-xa-ntm-nang-cao-2021-2025", max(sets, key=lambda cs: (cs.k, cs.n)))
    return main, big


def communes_under() -> dict[int, int]:
    """Per district and province of the era: its number of communes with assessments (one query)."""
    counts = {}
    communes = (
        AdministrativeUnit.objects.filter(era=ERA, level=Level.COMMUNE, assessments__isnull=False)
        .values_list("path", flat=True)
        .distinct()
    )
    for path in communes:
        parts = path.split("/")
        for depth in (1, 2):
            counts["/".join(parts[:depth]) + "/"] = counts.get("/".join(parts[:depth]) + "/", 0) + 1
    units = AdministrativeUnit.objects.filter(era=ERA, level__in=[Level.PROVINCE, Level.DISTRICT])
    return {u: counts[u.path] for u in units if u.path in counts}


def pick_units(counts: dict) -> dict:
    """A district of 20-30 communes (closest to 25), the largest province, and units near 100 / 1,000."""
    districts = [u for u in counts if u.level == Level.DISTRICT]
    provinces = [u for u in counts if u.level == Level.PROVINCE]
    by_size = sorted(counts, key=lambda u: u.path)
    return {
        "district": min(districts, key=lambda u: (abs(counts[u] - 25), u.path)),
        "province": max(provinces, key=lambda u: (counts[u], u.path)),
        "near_100": min(by_size, key=lambda u: (abs(counts[u] - 100), u.path)),
        "near_1000": min(by_size, key=lambda u: (abs(counts[u] - 1000), u.path)),
    }


def dashboard_url(unit, set_code: str) -> str | None:
    try:
        path = (
            reverse("dashboards:unit", kwargs={"era": ERA, "code": unit.code})
            if unit
            else reverse("dashboards:national", kwargs={"era": ERA})
        )
    except NoReverseMatch:  # the dashboards app is not installed
        return None
    return f"{path}?set={set_code}"


def bench_users():
    """A superuser (national scope, as the national overview requires) and commune staff for the save."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username="bench.admin", defaults={"is_superuser": True, "is_staff": True})
    staff, _ = User.objects.get_or_create(username="bench.canbo")
    return admin, staff


def editable_assessment(big_set: CriteriaSet, staff) -> Assessment:
    """A returned (editable) assessment of the largest set; the staff user is made commune staff there."""
    assessment = (
        Assessment.objects.filter(criteria_set=big_set, status__in=[Status.RETURNED, Status.DRAFT])
        .select_related("commune")
        .order_by("id")
        .first()
    )
    if assessment is None:
        raise SystemExit("No draft or returned assessment to save.")
    Membership.objects.get_or_create(user=staff, unit=assessment.commune, role=Role.COMMUNE_STAFF)
    return assessment


def full_answers(assessment: Assessment, flip: bool) -> list[dict]:
    """Every indicator answered; `flip` alternates the answers so each save changes every result."""
    entries = []
    for i, indicator in enumerate(assessment.criteria_set.indicators.order_by("criterion__number", "position")):
        met = (i % 2 == 0) != flip
        if indicator.kind == IndicatorKind.NUMERIC:
            entries.append({"code": indicator.code, "value": str(100 if met else 10)})
        else:
            entries.append({"code": indicator.code, "met": met})
    return entries


# ---------------------------------------------------------------- floors


FLOOR_SQL = """
WITH area AS (
    SELECT id FROM communes_administrativeunit WHERE era = %(era)s AND level = 3 AND path LIKE %(prefix)s
), latest AS (
    SELECT a.commune_id, a.id, a.as_of, a.criteria_met, a.criteria_total, a.indicators_met, a.indicators_total
    FROM assessments_assessment a JOIN area ON area.id = a.commune_id
    WHERE a.criteria_set_id = %(set)s AND a.is_latest_approved AND a.as_of <= %(on)s
), pending AS (
    SELECT a.commune_id, count(*) FILTER (WHERE a.status = 'submitted') AS submitted,
           count(*) FILTER (WHERE a.status = 'returned') AS returned
    FROM assessments_assessment a JOIN area ON area.id = a.commune_id
    WHERE a.criteria_set_id = %(set)s AND a.status IN ('submitted', 'returned')
    GROUP BY a.commune_id
)
SELECT u.id, u.code, u.name, p.name AS parent, g.name AS grandparent, l.id, l.as_of, l.criteria_met, l.criteria_total,
       l.indicators_met, l.indicators_total, pe.submitted, pe.returned
FROM area JOIN communes_administrativeunit u ON u.id = area.id
LEFT JOIN communes_administrativeunit p ON p.id = u.parent_id
LEFT JOIN communes_administrativeunit g ON g.id = p.parent_id
LEFT JOIN latest l ON l.commune_id = u.id
LEFT JOIN pending pe ON pe.commune_id = u.id
"""
# Today's standing reads the stored latest-approved flag (Assessment.is_latest_approved), as the
# dashboards do; the page's table shows counts, not the lists of unmet criteria, and neither does this.


# Above a district (the country, a pre-2025 province) the page is one row per child unit: the floor is
# one GROUP BY over the communes and their flagged latest approvals, keyed by the child's path prefix.
FLOOR_SUMMARY_SQL = """
WITH latest AS (
    SELECT a.commune_id, a.criteria_met, a.criteria_total
    FROM assessments_assessment a
    WHERE a.criteria_set_id = %(set)s AND a.is_latest_approved AND a.as_of <= %(on)s
)
SELECT substr(u.path, 1, %(key_len)s) AS child,
       count(*) FILTER (WHERE u.kind = 'xa') AS xa, count(*) FILTER (WHERE u.kind <> 'xa') AS others,
       count(l.commune_id) FILTER (WHERE u.kind = 'xa') AS assessed,
       sum(l.criteria_met) FILTER (WHERE u.kind = 'xa') AS met_sum,
       count(*) FILTER (WHERE u.kind = 'xa' AND l.criteria_total > 0 AND l.criteria_met = l.criteria_total) AS reaching,
       count(*) FILTER (WHERE u.kind = 'xa' AND l.criteria_met = l.criteria_total - 1) AS short_one,
       count(*) FILTER (WHERE u.kind = 'xa' AND l.criteria_met = l.criteria_total - 2) AS short_two
FROM communes_administrativeunit u LEFT JOIN latest l ON l.commune_id = u.id
WHERE u.era = %(era)s AND u.level = 3 AND u.path LIKE %(prefix)s
GROUP BY 1
"""


def summarises(unit) -> bool:
    # As dashboards.area.Area.summarises: the country, or a province of the pre-2025 (three-level) tree.
    return unit is None or (unit.level == Level.PROVINCE and ERA == "pre2025")


def floor_sql(unit=None) -> str:
    return FLOOR_SUMMARY_SQL if summarises(unit) else FLOOR_SQL


def floor_params(unit, criteria_set) -> dict:
    # As the dashboard: approved assessments dated on or before today in Vietnam.
    # key_len: the child's path prefix, "42/" under the country, "42/443/" under a province.
    return {
        "era": ERA,
        "prefix": (unit.path if unit else "") + "%",
        "set": criteria_set.pk,
        "on": timezone.localdate(),
        "key_len": len(unit.path) + 4 if unit else 3,
    }


def floor_ms(unit, criteria_set: CriteriaSet, repeat: int) -> dict:
    """The dashboard's figures (per commune: latest approved summary, pending work, names) in one query.

    The page also computes the headline (met counts, averages) in Python from these same rows; the
    floor fetches the rows, which is the part no page can avoid.
    """
    params = floor_params(unit, criteria_set)
    samples, rows = [], 0
    with connection.cursor() as cursor:
        for i in range(repeat + 2):
            started = time.perf_counter()
            cursor.execute(floor_sql(unit), params)
            rows = len(cursor.fetchall())
            if i >= 2:  # two warm-up runs
                samples.append(time.perf_counter() - started)
    return {"rows": rows, **stats(samples)}


def explain(unit, criteria_set) -> str:
    params = floor_params(unit, criteria_set)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + floor_sql(unit), params)
        return "\n".join(r[0] for r in cursor.fetchall())


# ---------------------------------------------------------------- timing


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pick(q):
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else None

    return {
        "n": len(ordered),
        "p50_ms": _r(pick(0.5)),
        "p95_ms": _r(pick(0.95)),
        "mean_ms": _r(statistics.fmean(ordered) * 1000) if ordered else None,
    }


def _r(value):
    return None if value is None else round(value, 2)


def split_rounds(n: int, rounds: int) -> list[int]:
    """n timed requests in at most `rounds` rounds, as even as possible (5, 3 -> [2, 2, 1])."""
    rounds = max(1, min(rounds, n))
    return [n // rounds + (1 if i < n % rounds else 0) for i in range(rounds)]


def load_now() -> float:
    return round(os.getloadavg()[0], 2)


def best_of(rounds: list[dict], key: str = "p50_ms", highest: bool = False) -> dict:
    """The best round (lowest p50, or highest req/s) and how far the rounds spread (max / min - 1)."""
    values = [r[key] for r in rounds if r.get(key)]
    best = (max if highest else min)(rounds, key=lambda r: r.get(key) or (0 if highest else float("inf")))
    spread = round(max(values) / min(values) - 1, 3) if values and min(values) > 0 else None
    return {"best": best, "spread": spread, "unstable": spread is not None and spread > UNSTABLE_SPREAD}


def time_requests(client: Client, request, *, warmup: int, n: int, rounds: int = 5) -> dict:
    """Warm up, count one request's queries, then time n requests (each must answer 200) in rounds.

    The top-level p50/p95 are the best round's (lowest p50): on a shared machine the slow rounds measure
    the neighbours. `all` is every timed request together, `rounds` each round with the load average
    and the share of one core this process got during it (CPU time / wall time: below 1 when it waited
    for the database or for the CPU). A full garbage collection first, so that a page does not pay for
    the garbage of the one before (the national dashboard leaves millions of objects behind).
    """
    gc.collect()
    for _ in range(warmup):
        _check(request())
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        _check(request())
    queries = len(captured.captured_queries)  # read now: the next request clears the log it slices
    every, per_round = [], []
    for size in split_rounds(n, rounds):
        samples, cpu, wall, load = [], time.process_time(), time.perf_counter(), load_now()
        for _ in range(size):
            started = time.perf_counter()
            response = request()
            samples.append(time.perf_counter() - started)
            _check(response)
        wall = time.perf_counter() - wall
        per_round.append(
            {
                **stats(samples),
                "load_average": load,
                "cpu_share": round((time.process_time() - cpu) / wall, 2) if wall else None,
            }
        )
        every += samples
    verdict = best_of(per_round)
    best = verdict["best"]
    return {
        "queries": queries,
        "n": len(every),
        "p50_ms": best["p50_ms"],
        "p95_ms": best["p95_ms"],
        "mean_ms": best["mean_ms"],
        "all": stats(every),
        "rounds": per_round,
        "spread": verdict["spread"],
        "unstable": verdict["unstable"],
    }


def _check(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} from {response.request.get('PATH_INFO')}")
    return response


# ---------------------------------------------------------------- HTTP (gunicorn + bench/load.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int, ready_dir: Path):
    """gunicorn on a free loopback port; returns once every worker has loaded the application
    (bench/gunicorn_conf.py leaves a file per ready worker), not when the port first accepts."""
    port = free_port()
    env = {
        **os.environ,
        **SERVER_ENV,
        "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DB),
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "BENCH_READY_DIR": str(ready_dir),
    }
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "ntm.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--config",
            str(BENCH_DIR / "gunicorn_conf.py"),
            "--access-logfile",
            "-",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}")
        if len(list(ready_dir.iterdir())) >= workers:
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
            return process, f"http://127.0.0.1:{port}"
        time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"gunicorn's {workers} workers were not ready in 60 s")


def process_cpu_seconds(pids: list[int]) -> float:
    """User + system CPU seconds of these processes so far (/proc; 0 where unavailable)."""
    ticks, total = os.sysconf("SC_CLK_TCK"), 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14, 15 of proc(5))
        except (OSError, IndexError, ValueError):
            continue
    return total / ticks


def server_pids(server) -> list[int]:
    """The gunicorn master and its workers."""
    if server is None:
        return []
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                children.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return [server.pid, *children]


def http_load(base_url: str, path: str, cookie: str, *, clients: int, duration: float) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            str(BENCH_DIR / "load.py"),
            "--url",
            base_url + path,
            "--clients",
            str(clients),
            "--duration",
            str(duration),
            "--cookie",
            cookie,
        ],
        check=True,
        capture_output=True,
        text=True,
        timeout=duration + 120,
    )
    return json.loads(output.stdout)


def http_rounds(
    base_url: str, path: str, cookie: str, *, clients: int, duration: float, rounds: int, warm: float, pids: list[int]
) -> dict:
    """Warm the page over HTTP (every worker serves it), then `rounds` rounds of duration/rounds seconds.

    Top-level rps/p95 are the best round's (highest req/s). Each round records the load average and the
    CPU the server's processes and the load generator got, as a share of the machine's cores.
    """
    if warm > 0:
        http_load(base_url, path, cookie, clients=clients, duration=warm)
    per_round, cpus = [], os.cpu_count() or 1
    for _ in range(max(1, rounds)):
        load, server_cpu = load_now(), process_cpu_seconds(pids)
        client_cpu = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = http_load(base_url, path, cookie, clients=clients, duration=duration / max(1, rounds))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        wall = result["duration_s"] or 1
        result.update(
            {
                "load_average": load,
                "server_cpu_share": round((process_cpu_seconds(pids) - server_cpu) / wall / cpus, 2) if pids else None,
                "client_cpu_share": round(
                    (after.ru_utime + after.ru_stime - client_cpu.ru_utime - client_cpu.ru_stime) / wall / cpus, 2
                ),
            }
        )
        per_round.append(result)
    verdict = best_of(per_round, key="rps", highest=True)
    best = verdict["best"]
    return {
        "rps": best["rps"],
        "p50_ms": best["p50_ms"],
        "p95_ms": best["p95_ms"],
        "errors": sum(r["errors"] for r in per_round),
        "requests": sum(r["requests"] for r in per_round),
        "median_rps": statistics.median(r["rps"] for r in per_round),
        "rounds": per_round,
        "spread": verdict["spread"],
        "unstable": verdict["unstable"],
    }


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# ---------------------------------------------------------------- the run


def machine() -> dict:
    model = ""
    try:
        model = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        model = platform.processor()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            db = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "database": db,
        "python": platform.python_version(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }


def data_size() -> dict:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the planner's estimate: count(*) on 10 M rows takes seconds
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [IndicatorResult._meta.db_table]
            )
            results = cursor.fetchone()[0]
        else:
            results = IndicatorResult.objects.count()
    return {
        "assessments": Assessment.objects.count(),
        "indicator_results_approx": results,
        "communes_with_data": Assessment.objects.values("commune").distinct().count(),
    }


def ensure_static() -> None:
    """With DEBUG off the pages need collectstatic's manifest (bench.settings keeps it under var/)."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if manifest and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def fixed_cost_pages() -> dict:
    """/bench/empty/ and /bench/base/ (bench/urls.py) when the URLconf has them: the cost of any request."""
    pages = {}
    for name, url_name in (("empty_page", "bench_empty"), ("base_template", "bench_base")):
        try:
            pages[name] = {"url": reverse(url_name), "kind": "fixed"}
        except NoReverseMatch:
            pages[name] = {"skipped": "bench.urls not in use"}
    return pages


def vacuum_state() -> dict:
    """When the assessment tables were last vacuumed and analysed (PostgreSQL): without it the planner
    has no statistics and no index-only scan is possible (autovacuum may be off)."""
    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute("""SELECT relname, greatest(last_vacuum, last_autovacuum),
                          greatest(last_analyze, last_autoanalyze) FROM pg_stat_user_tables
                          WHERE relname IN ('assessments_assessment', 'assessments_indicatorresult')
                          ORDER BY relname""")
        return {
            name: {"vacuumed": str(v) if v else None, "analyzed": str(a) if a else None}
            for name, v, a in cursor.fetchall()
        }


def run(
    *,
    requests: int,
    warmup: int,
    duration: float,
    clients: int,
    workers: int,
    base_url: str | None,
    http: bool,
    growth: bool,
    out_dir: Path,
    rounds: int = 5,
    http_rounds_n: int = 3,
    http_warm: float = 2.0,
) -> dict:
    # The machine (its load above all) and the time as the run starts, not as the report is written.
    ran_at, machine_at_start = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"), machine()
    ensure_static()
    main_set, big_set = bench_sets()
    admin, staff = bench_users()
    counts = communes_under()
    units = pick_units(counts) if counts else {}
    client, staff_client = Client(), Client()
    client.force_login(admin)
    staff_client.force_login(staff)
    commune = (
        AdministrativeUnit.objects.filter(era=ERA, level=Level.COMMUNE, assessments__criteria_set=main_set)
        .order_by("path")
        .first()
    )
    pages = fixed_cost_pages()
    for name, unit in (
        ("district_dashboard", units.get("district")),
        ("province_dashboard", units.get("province")),
        ("national_dashboard", None),
    ):
        url = dashboard_url(unit, main_set.code)
        if url is None or (name != "national_dashboard" and unit is None):
            pages[name] = {"skipped": "dashboards not available"}
            continue
        pages[name] = {
            "url": url,
            "communes": counts[unit] if unit else sum(c for u, c in counts.items() if u.level == Level.PROVINCE),
            "kind": "dashboard",
            "unit": unit,
        }
    pages["commune_page"] = {"url": reverse("web:unit", kwargs={"era": ERA, "code": commune.code}), "kind": "page"}
    pages["summary_api"] = {
        "url": reverse("api:unit_summary", kwargs={"era": ERA, "code": commune.code}) + f"?set={main_set.code}",
        "kind": "page",
    }
    assessment = editable_assessment(big_set, staff)
    save_url = reverse("api:assessment_results", kwargs={"pk": assessment.pk})
    pages["save_assessment"] = {"url": save_url, "kind": "save", "indicators": big_set.indicators.count()}

    for name, page in pages.items():
        if "skipped" in page:
            continue
        if page["kind"] == "save":
            # Both bodies built and the revision carried from one answer to the next outside the timing,
            # so that the time and the queries are the request's alone.
            bodies = [full_answers(assessment, flip=False), full_answers(assessment, flip=True)]
            state = {"revision": Assessment.objects.values_list("revision", flat=True).get(pk=assessment.pk), "n": 0}

            def save(state=state, bodies=bodies):
                body = {"revision": state["revision"], "results": bodies[state["n"] % 2]}
                state["n"] += 1
                response = staff_client.patch(save_url, body, content_type="application/json")
                if response.status_code == 200:
                    state["revision"] = response.json()["revision"]
                return response

            page["django"] = time_requests(staff_client, save, warmup=warmup, n=requests, rounds=rounds)
        else:
            page["django"] = time_requests(
                client, lambda url=page["url"]: client.get(url), warmup=warmup, n=requests, rounds=rounds
            )
            # The same page on a cache miss: the data version bumped before each request (as any write
            # does), so every request reads and renders afresh. The bump itself is one cache write.
            page["django_miss"] = time_requests(
                client,
                lambda url=page["url"]: (data_version.bump(), client.get(url))[1],
                warmup=1,
                n=max(10, requests // 2),
                rounds=rounds,
            )
        print(f"{name}: {summary_line(page['django'])}", flush=True)
        if "django_miss" in page:
            print(f"{name} on a cache miss: {summary_line(page['django_miss'])}", flush=True)

    fixed = pages.get("empty_page", {}).get("django", {}).get("p50_ms") or 0
    for page in pages.values():
        if page.get("kind") == "dashboard":
            page["floor"] = floor_ms(page["unit"], main_set, repeat=max(3, requests // 2))
            floor = page["floor"]["p50_ms"]
            page["floor_ratio"] = _r(page["django"]["p50_ms"] / (floor + fixed)) if floor is not None else None
            page["floor_formula"] = (
                f"{page['django']['p50_ms']:.1f} / ({floor:.1f} + {fixed:.1f})" if floor is not None else None
            )
            # The same ratio on a cache miss, for the record (the target is the page as served, a hit).
            miss = page.get("django_miss", {}).get("p50_ms")
            page["floor_ratio_miss"] = _r(miss / (floor + fixed)) if floor is not None and miss else None

    if http:
        server, ready_dir = None, None
        if base_url is None:
            ready_dir = Path(tempfile.mkdtemp(prefix="ntm-bench-ready-"))
            server, base_url = start_gunicorn(workers, ready_dir)
        try:
            cookie = session_cookie(admin)
            pids = server_pids(server)
            for name, page in pages.items():
                if page.get("kind") in ("dashboard", "page", "fixed"):
                    page["http"] = http_rounds(
                        base_url,
                        page["url"],
                        cookie,
                        clients=clients,
                        duration=duration,
                        rounds=http_rounds_n,
                        warm=http_warm,
                        pids=pids,
                    )
                    print(
                        f"{name} over HTTP: rps {page['http']['rps']} (best of {len(page['http']['rounds'])}, "
                        f"median {page['http']['median_rps']}), p95 {page['http']['p95_ms']} ms",
                        flush=True,
                    )
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)
            if ready_dir:
                for f in ready_dir.iterdir():
                    f.unlink()
                ready_dir.rmdir()

    results = {
        "ran_at": ran_at,
        "machine": machine_at_start,
        "data": data_size(),
        "set": main_set.code,
        "saved_set": big_set.code,
        "vacuum": vacuum_state(),
        "settings": {
            "requests": requests,
            "rounds": rounds,
            "warmup": warmup,
            "http_clients": clients,
            "http_duration_s": duration,
            "http_rounds": http_rounds_n,
            "http_warm_s": http_warm,
            "gunicorn_workers": workers if http else None,
            "db_conn_max_age": os.environ.get("DB_CONN_MAX_AGE", SERVER_ENV["DB_CONN_MAX_AGE"]),
        },
        "targets": {
            "p95_ms": TARGETS_MS,
            "rps": TARGET_RPS,
            "max_queries": MAX_QUERIES,
            "max_queries_hit": MAX_QUERIES_HIT,
            "max_floor_ratio": MAX_FLOOR_RATIO,
        },
        "pages": {name: {k: v for k, v in page.items() if k != "unit"} for name, page in pages.items()},
    }
    results["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    results["verdicts"] = verdicts(results)
    if growth and units:
        results["growth"] = growth_table(units, counts, main_set, client, requests=requests, warmup=warmup)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    (out_dir / "latest.md").write_text(markdown(results))
    if "growth" in results:
        growth_path = BENCH_DIR / "growth.md" if out_dir.resolve() == BENCH_DIR / "results" else out_dir / "growth.md"
        growth_path.write_text(growth_markdown(results))
    print("\n".join(verdict_lines(results["verdicts"])), flush=True)
    return results


def summary_line(timing: dict) -> str:
    rounds = timing["rounds"]
    flag = " UNSTABLE" if timing["unstable"] else ""
    return (
        f"best round p50 {timing['p50_ms']} ms, p95 {timing['p95_ms']} ms; all {timing['all']['n']} requests "
        f"p50 {timing['all']['p50_ms']} ms; {len(rounds)} rounds spread {timing['spread']}{flag}; "
        f"queries {timing['queries']}; load {rounds[0]['load_average']}→{rounds[-1]['load_average']}"
    )


def verdicts(results: dict) -> list[dict]:
    """Each target of the speed issue against the best round that measures it."""
    out, pages, targets = [], results["pages"], results["targets"]

    def add(target, measured, ok, how):
        out.append({"target": target, "measured": measured, "pass": ok, "how": how})

    for name, limit in targets["p95_ms"].items():
        page = pages.get(name, {})
        for key, case in (("django", ""), ("django_miss", " on a cache miss")):
            if key in page:
                p95 = page[key]["p95_ms"]
                add(
                    f"{name} p95 ≤ {limit} ms{case}",
                    f"{p95} ms",
                    p95 <= limit,
                    f"best of {len(page[key]['rounds'])} rounds, in-process"
                    + (" (rounds unstable)" if page[key]["unstable"] else ""),
                )
    for name, floor_rps in targets["rps"].items():
        http = pages.get(name, {}).get("http")
        if http:
            add(
                f"{name} ≥ {floor_rps} req/s (4 clients, warm)",
                f"{http['rps']} req/s",
                http["rps"] >= floor_rps,
                f"best of {len(http['rounds'])} rounds through gunicorn, median {http['median_rps']}",
            )
    for name, page in pages.items():
        if page.get("floor_ratio") is not None:
            add(
                f"{name} p50 ≤ {targets['max_floor_ratio']:g} × (floor + empty page)",
                f"{page['floor_ratio']}×",
                page["floor_ratio"] <= targets["max_floor_ratio"],
                page["floor_formula"] + " ms",
            )
    hit_limit = targets.get("max_queries_hit", targets["max_queries"])
    for name, page in pages.items():
        if page.get("kind") in ("dashboard", "page") and "django_miss" in page:
            q = page["django_miss"]["queries"]
            add(
                f"{name} queries ≤ {targets['max_queries']} on a cache miss",
                str(q),
                q <= targets["max_queries"],
                "one request",
            )
        if page.get("kind") in ("dashboard", "page") and "django" in page:
            q = page["django"]["queries"]
            add(f"{name} queries ≤ {hit_limit} on a cache hit", str(q), q <= hit_limit, "one request")
    return out


def verdict_lines(items: list[dict]) -> list[str]:
    return [f"{'PASS' if v['pass'] else 'FAIL'}  {v['target']}: {v['measured']} ({v['how']})" for v in items]


def growth_table(units: dict, counts: dict, main_set, client, *, requests: int, warmup: int) -> list[dict]:
    """Dashboard time against the number of communes under the unit: district, ~100, ~1,000, national.

    Timed on a cache miss (the data version bumped before each request): a hit costs the same whatever
    the unit, so only a miss shows how the page grows with the communes behind it."""
    rows = []
    national = sum(c for u, c in counts.items() if u.level == Level.PROVINCE)
    candidates = [
        ("district", units["district"]),
        ("≈100", units["near_100"]),
        ("closest to 1,000", units["near_1000"]),
        ("national", None),
    ]
    seen = set()

    def miss(url):
        data_version.bump()
        return client.get(url)

    for label, unit in candidates:
        if unit is not None and unit.pk in seen:
            continue
        seen.add(unit.pk if unit else None)
        url = dashboard_url(unit, main_set.code)
        if url is None:
            break
        timing = time_requests(client, lambda url=url: miss(url), warmup=warmup, n=max(5, requests // 2))
        # The same page as of yesterday: a past date ranks each commune's approved history (the as-of view).
        past_url = f"{url}&as_of={timezone.localdate() - datetime.timedelta(days=1):%Y-%m-%d}"
        past = time_requests(client, lambda url=past_url: miss(url), warmup=1, n=max(5, requests // 6))
        floor = floor_ms(unit, main_set, repeat=5)
        rows.append(
            {
                "label": label,
                "unit": unit.name if unit else "Cả nước",
                "communes": counts[unit] if unit else national,
                "assessments": Assessment.objects.filter(
                    criteria_set=main_set,
                    commune__era=ERA,
                    **({"commune__path__startswith": unit.path} if unit else {}),
                ).count(),
                "page_p50_ms": timing["p50_ms"],
                "page_p95_ms": timing["p95_ms"],
                "queries": timing["queries"],
                "floor_p50_ms": floor["p50_ms"],
                "past_p50_ms": past["p50_ms"],
            }
        )
    return rows


# ---------------------------------------------------------------- reports


def _fmt(value, suffix=""):
    return "—" if value is None else f"{value:,}{suffix}" if isinstance(value, int) else f"{value:,.1f}{suffix}"


def markdown(results: dict) -> str:
    m, d = results["machine"], results["data"]
    cfg = results["settings"]
    vacuum = results.get("vacuum") or {}
    lines = [
        "# Benchmark results (latest run)",
        "",
        f"Ran {results['ran_at']} on {m['cpus']} × {m['cpu_model']}, {m['database']}, Python {m['python']} "
        f"(load average at start: {', '.join(map(str, m['load_average_at_start']))}; at the end: "
        f"{', '.join(map(str, m.get('load_average_at_end', [])))}).",
        f"Data: {d['assessments']:,} assessments, ≈{d['indicator_results_approx']:,} indicator results, "
        f"{d['communes_with_data']:,} communes; dashboards show `{results['set']}`, "
        f"the save writes `{results['saved_set']}`.",
        "Vacuumed and analysed: "
        + (
            ", ".join(f"{t} {v['vacuumed'] or 'never'} / {v['analyzed'] or 'never'}" for t, v in vacuum.items())
            or "n/a"
        )
        + ".",
        f"Django test client: {cfg['warmup']} warm-up + {cfg['requests']} timed requests per page in "
        f"{cfg.get('rounds', 1)} rounds; p50/p95 are the best round's (lowest p50), `all p50` every request's. "
        f"HTTP: gunicorn ({cfg['gunicorn_workers']} sync workers, each booted before timing, "
        f"DB_CONN_MAX_AGE={cfg['db_conn_max_age']}) on loopback, each page warmed {cfg.get('http_warm_s', 0)} s, "
        f"then {cfg.get('http_rounds', 1)} rounds over {cfg['http_duration_s']} s with {cfg['http_clients']} "
        "client threads in a second process; req/s is the best round's.",
        "Load is the 1-minute load average when the page's first round started; CPU is the share of one core the "
        "bench process got (CPU time / wall time, in-process) and, over HTTP, the share of the machine's cores "
        "the gunicorn processes got. A page whose rounds differ by more than 25% is marked unstable (!).",
        "",
        "Columns p50…queries are a cache hit (what a second reader of unchanged data gets); `miss` columns are the "
        "same page with the data version bumped before each request (what the first reader after a write gets).",
        "",
        "| page | communes | p50 ms | p95 ms | all p50 ms | spread | load | CPU | target p95 | queries | miss p50 ms "
        "| miss p95 ms | miss queries | HTTP req/s | HTTP p95 ms | server CPU | floor p50 ms | page/(floor+empty) "
        "| miss/(floor+empty) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in results["pages"].items():
        if "skipped" in page:
            lines.append(f"| {name} | — | {page['skipped']} | | | | | | | | | | | | | | | | |")
            continue
        dj, http, floor = page["django"], page.get("http", {}), page.get("floor", {})
        miss = page.get("django_miss", {})
        first = dj["rounds"][0]
        target = results["targets"]["p95_ms"].get(name)
        spread = "—" if dj["spread"] is None else f"{dj['spread'] * 100:.0f}%{' !' if dj['unstable'] else ''}"
        server_cpu = (http.get("rounds") or [{}])[0].get("server_cpu_share")
        lines.append(
            f"| {name} | {_fmt(page.get('communes'))} | {_fmt(dj['p50_ms'])} | {_fmt(dj['p95_ms'])} | "
            f"{_fmt(dj['all']['p50_ms'])} | {spread} | {first['load_average']} | {first['cpu_share']} | "
            f"{_fmt(target)} | {dj['queries']} | {_fmt(miss.get('p50_ms'))} | {_fmt(miss.get('p95_ms'))} | "
            f"{_fmt(miss.get('queries'))} | {_fmt(http.get('rps'))}{' !' if http.get('unstable') else ''} | "
            f"{_fmt(http.get('p95_ms'))} | {'—' if server_cpu is None else server_cpu} | "
            f"{_fmt(floor.get('p50_ms'))} | {_fmt(page.get('floor_ratio'), '×')} | "
            f"{_fmt(page.get('floor_ratio_miss'), '×')} |"
        )
    lines += ["", "## Verdicts (best rounds)", ""]
    lines += [f"- {line}" for line in verdict_lines(results.get("verdicts", []))]
    lines += [""]
    return "\n".join(lines)


def growth_markdown(results: dict) -> str:
    lines = [
        "# Growth: dashboard time against the communes under the unit",
        "",
        f"From the run of {results['ran_at']} ({results['machine']['cpus']} × {results['machine']['cpu_model']}, "
        f"{results['machine']['database']}); set `{results['set']}`, each commune with its full history "
        "of assessments. The floor is the one-query SQL of bench/run.py. Every page is timed on a cache miss "
        "(the data version bumped before each request): a hit costs the same whatever the unit.",
        "",
        "Today's page reads the stored latest-approved flag (Assessment.is_latest_approved), so its time follows "
        "the communes shown, not the assessments behind them. The last column is the same page as of yesterday: "
        "a past date has to rank each commune's approved history, and costs more as the history grows.",
        "",
        "| unit | communes | assessments behind them | page p50 ms | page p95 ms | queries | floor p50 ms "
        "| ms per commune | as of yesterday p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["growth"]:
        per = row["page_p50_ms"] / row["communes"] if row["communes"] else None
        lines.append(
            f"| {row['label']}: {row['unit']} | {row['communes']:,} | {row['assessments']:,} | "
            f"{_fmt(row['page_p50_ms'])} | {_fmt(row['page_p95_ms'])} | {row['queries']} | "
            f"{_fmt(row['floor_p50_ms'])} | {'—' if per is None else f'{per:.3f}'} | "
            f"{_fmt(row.get('past_p50_ms'))} |"
        )
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 60: the p95 is then the 57th of 60, not the 29th of 30, which one hiccup of a shared machine moves.
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (test client)")
    parser.add_argument("--rounds", type=int, default=5, help="rounds the timed requests are split into")
    parser.add_argument("--http-rounds", type=int, default=3, help="rounds the HTTP duration is split into")
    parser.add_argument("--http-warm", type=float, default=2.0, help="seconds of HTTP load before timing a page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=float, default=9, help="seconds of timed HTTP load per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--base-url", default=None, help="an already running server instead of gunicorn")
    parser.add_argument("--no-http", dest="http", action="store_false")
    parser.add_argument("--growth", action="store_true", help="also write bench/growth.md")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results")
    args = parser.parse_args(argv)
    return run(
        requests=args.requests,
        warmup=args.warmup,
        duration=args.duration,
        clients=args.clients,
        workers=args.workers,
        base_url=args.base_url,
        http=args.http,
        growth=args.growth,
        out_dir=args.out,
        rounds=args.rounds,
        http_rounds_n=args.http_rounds,
        http_warm=args.http_warm,
    )


if __name__ == "__main__":
    main()
