"""The benchmark: page timings, queries per request and throughput on national-scale data.

    make bench                      # DATABASE_URL defaults to postgres://postgres@127.0.0.1:5432/ntm_bench
    .venv/bin/python bench/run.py --requests 30 --duration 10 [--growth]

Needs the synthetic data (manage.py load_units; manage.py seed_synthetic --era both --jobs 2).
For each page: p50/p95 server time over N requests through Django's test client after a warm-up,
queries per request (CaptureQueriesContext), and, through gunicorn on loopback with 4 concurrent
clients (bench/load.py, a second process) for a fixed duration, requests per second and p95. For
each dashboard also the "floor": one hand-written SQL query computing the same figures from the
stored summaries, timed in the same run, and the ratio page / floor.
Writes bench/results/latest.json and latest.md (with the machine); --growth writes bench/growth.md.
"""

import argparse
import datetime
import gc
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/ntm_bench"
# Server settings for a production-like run (DEBUG off, no HTTPS redirect on loopback).
# Persistent connections (DB_CONN_MAX_AGE) as a production deployment would set them: without, each
# request through gunicorn also pays for a new PostgreSQL backend.
SERVER_ENV = {"DEBUG": "0", "SECRET_KEY": "bench-only-not-secret", "SECURE_SSL_REDIRECT": "0",
              "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver", "DB_CONN_MAX_AGE": "60"}
# Targets of issue 6 (p95 in ms) — reported next to the measurements.
TARGETS_MS = {"district_dashboard": 50, "province_dashboard": 300, "national_dashboard": 1000, "commune_page": 100,
              "save_assessment": 150}
MAX_QUERIES, MIN_RPS, MAX_FLOOR_RATIO = 15, 100, 3.0

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
from assessments.models import Assessment, Status  # noqa: E402
from communes.models import AdministrativeUnit, Level  # noqa: E402
from criteria.models import CriteriaSet, Kind  # noqa: E402

ERA = "pre2025"


# ---------------------------------------------------------------- what to measure


def bench_sets() -> tuple[CriteriaSet, CriteriaSet]:
    """(the set the dashboards show, the 75-indicator set whose assessment is saved): the synthetic ones
    when seeded, else the pre-2025 sets with the most assessments (tiny test data)."""
    sets = list(CriteriaSet.objects.filter(assessments__commune__era=ERA).annotate(
        n=Count("assessments"), k=Count("indicators", distinct=True)).order_by("-n", "code"))
    if not sets:
        raise SystemExit("No assessments: run manage.py seed_synthetic first.")
    by_code = {cs.code: cs for cs in sets}
    main = by_code.get("synthetic-xa-ntm-2021-2025", sets[0])
    big = by_code.get("synthetic-xa-ntm-nang-cao-2021-2025", max(sets, key=lambda cs: (cs.k, cs.n)))
    return main, big


def communes_under() -> dict[int, int]:
    """Per district and province of the era: its number of communes with assessments (one query)."""
    counts = {}
    communes = (AdministrativeUnit.objects.filter(era=ERA, level=Level.COMMUNE, assessments__isnull=False)
                .values_list("path", flat=True).distinct())
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
        path = (reverse("dashboards:unit", kwargs={"era": ERA, "code": unit.code}) if unit
                else reverse("dashboards:national", kwargs={"era": ERA}))
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
    assessment = (Assessment.objects.filter(criteria_set=big_set, status__in=[Status.RETURNED, Status.DRAFT])
                  .select_related("commune").order_by("id").first())
    if assessment is None:
        raise SystemExit("No draft or returned assessment to save.")
    Membership.objects.get_or_create(user=staff, unit=assessment.commune, role=Role.COMMUNE_STAFF)
    return assessment


def full_answers(assessment: Assessment, flip: bool) -> list[dict]:
    """Every indicator answered; `flip` alternates the answers so each save changes every result."""
    entries = []
    for i, indicator in enumerate(assessment.criteria_set.indicators.order_by("criterion__number", "position")):
        met = (i % 2 == 0) != flip
        if indicator.kind == Kind.NUMERIC:
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


def floor_sql() -> str:
    return FLOOR_SQL


def floor_params(unit, criteria_set) -> dict:
    # As the dashboard: approved assessments dated on or before today in Vietnam.
    return {"era": ERA, "prefix": (unit.path if unit else "") + "%", "set": criteria_set.pk, "on": timezone.localdate()}


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
            cursor.execute(floor_sql(), params)
            rows = len(cursor.fetchall())
            if i >= 2:  # two warm-up runs
                samples.append(time.perf_counter() - started)
    return {"rows": rows, **stats(samples)}


def explain(unit, criteria_set) -> str:
    params = floor_params(unit, criteria_set)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + floor_sql(), params)
        return "\n".join(r[0] for r in cursor.fetchall())


# ---------------------------------------------------------------- timing


def stats(samples: list[float]) -> dict:
    ordered = sorted(samples)

    def pick(q):
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000 if ordered else None

    return {"n": len(ordered), "p50_ms": _r(pick(0.5)), "p95_ms": _r(pick(0.95)),
            "mean_ms": _r(statistics.fmean(ordered) * 1000) if ordered else None}


def _r(value):
    return None if value is None else round(value, 2)


def time_requests(client: Client, request, *, warmup: int, n: int) -> dict:
    """Warm up, count one request's queries, then time n requests (each must answer 200).

    A full garbage collection first, so that a page does not pay for the garbage of the one before (the
    national dashboard leaves millions of objects behind).
    """
    gc.collect()
    for _ in range(warmup):
        _check(request())
    reset_queries()
    with CaptureQueriesContext(connection) as captured:
        _check(request())
    queries = len(captured.captured_queries)  # read now: the next request clears the log it slices
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = request()
        samples.append(time.perf_counter() - started)
        _check(response)
    return {"queries": queries, **stats(samples)}


def _check(response):
    if response.status_code != 200:
        raise RuntimeError(f"{response.status_code} from {response.request.get('PATH_INFO')}")
    return response


# ---------------------------------------------------------------- HTTP (gunicorn + bench/load.py)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(workers: int):
    port = free_port()
    env = {**os.environ, **SERVER_ENV, "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DB),
           "DJANGO_SETTINGS_MODULE": "bench.settings"}
    process = subprocess.Popen(
        [str(Path(sys.executable).with_name("gunicorn")), "ntm.wsgi", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--access-logfile", "-", "--log-level", "warning"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited: {process.stderr.read().decode()[-2000:]}") from None
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError("gunicorn did not start in 30 s")


def http_load(base_url: str, path: str, cookie: str, *, clients: int, duration: float) -> dict:
    output = subprocess.run(
        [sys.executable, str(BENCH_DIR / "load.py"), "--url", base_url + path, "--clients", str(clients),
         "--duration", str(duration), "--cookie", cookie],
        check=True, capture_output=True, text=True, timeout=duration + 120,
    )
    return json.loads(output.stdout)


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    from django.conf import settings

    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


# ---------------------------------------------------------------- the run


def machine() -> dict:
    model = ""
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
    except (OSError, StopIteration):
        model = platform.processor()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            db = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            db = f"{connection.vendor} {connection.Database.sqlite_version}"
    return {"cpus": os.cpu_count(), "cpu_model": model, "database": db, "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}


def data_size() -> dict:
    from assessments.models import IndicatorResult

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # the planner's estimate: count(*) on 10 M rows takes seconds
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s",
                           [IndicatorResult._meta.db_table])
            results = cursor.fetchone()[0]
        else:
            results = IndicatorResult.objects.count()
    return {"assessments": Assessment.objects.count(), "indicator_results_approx": results,
            "communes_with_data": Assessment.objects.values("commune").distinct().count()}


def ensure_static() -> None:
    """With DEBUG off the pages need collectstatic's manifest (bench.settings keeps it under var/)."""
    from django.conf import settings
    from django.core.management import call_command

    manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if manifest and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        call_command("collectstatic", interactive=False, verbosity=0)


def run(*, requests: int, warmup: int, duration: float, clients: int, workers: int, base_url: str | None,
        http: bool, growth: bool, out_dir: Path) -> dict:
    ensure_static()
    main_set, big_set = bench_sets()
    admin, staff = bench_users()
    counts = communes_under()
    units = pick_units(counts) if counts else {}
    client, staff_client = Client(), Client()
    client.force_login(admin)
    staff_client.force_login(staff)
    commune = (AdministrativeUnit.objects.filter(era=ERA, level=Level.COMMUNE, assessments__criteria_set=main_set)
               .order_by("path").first())
    pages = {}
    for name, unit in (("district_dashboard", units.get("district")), ("province_dashboard", units.get("province")),
                       ("national_dashboard", None)):
        url = dashboard_url(unit, main_set.code)
        if url is None or (name != "national_dashboard" and unit is None):
            pages[name] = {"skipped": "dashboards not available"}
            continue
        pages[name] = {"url": url, "communes": counts[unit] if unit else sum(
            c for u, c in counts.items() if u.level == Level.PROVINCE), "kind": "dashboard", "unit": unit}
    pages["commune_page"] = {"url": reverse("web:unit", kwargs={"era": ERA, "code": commune.code}), "kind": "page"}
    pages["summary_api"] = {"url": reverse("api:unit_summary", kwargs={"era": ERA, "code": commune.code})
                            + f"?set={main_set.code}", "kind": "page"}
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

            def save():
                body = {"revision": state["revision"], "results": bodies[state["n"] % 2]}
                state["n"] += 1
                response = staff_client.patch(save_url, body, content_type="application/json")
                if response.status_code == 200:
                    state["revision"] = response.json()["revision"]
                return response

            page["django"] = time_requests(staff_client, save, warmup=warmup, n=requests)
        else:
            page["django"] = time_requests(client, lambda url=page["url"]: client.get(url), warmup=warmup, n=requests)
        if page["kind"] == "dashboard":
            page["floor"] = floor_ms(page["unit"], main_set, repeat=max(3, requests // 2))
            floor = page["floor"]["p50_ms"]
            page["floor_ratio"] = _r(page["django"]["p50_ms"] / floor) if floor else None
        print(f"{name}: {page['django']}", flush=True)

    if http:
        server = None
        if base_url is None:
            server, base_url = start_gunicorn(workers)
        try:
            cookie = session_cookie(admin)
            for name, page in pages.items():
                if page.get("kind") in ("dashboard", "page"):
                    page["http"] = http_load(base_url, page["url"], cookie, clients=clients, duration=duration)
                    print(f"{name} over HTTP: {page['http']}", flush=True)
        finally:
            if server:
                server.terminate()
                server.wait(timeout=30)

    results = {
        "ran_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine(), "data": data_size(), "set": main_set.code, "saved_set": big_set.code,
        "settings": {"requests": requests, "warmup": warmup, "http_clients": clients, "http_duration_s": duration,
                     "gunicorn_workers": workers if http else None,
                     "db_conn_max_age": os.environ.get("DB_CONN_MAX_AGE", SERVER_ENV["DB_CONN_MAX_AGE"])},
        "targets": {"p95_ms": TARGETS_MS, "max_queries": MAX_QUERIES, "min_dashboard_rps": MIN_RPS,
                    "max_floor_ratio": MAX_FLOOR_RATIO},
        "pages": {name: {k: v for k, v in page.items() if k != "unit"} for name, page in pages.items()},
    }
    if growth and units:
        results["growth"] = growth_table(units, counts, main_set, client, requests=requests, warmup=warmup)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False, default=str) + "\n")
    (out_dir / "latest.md").write_text(markdown(results))
    if "growth" in results:
        growth_path = BENCH_DIR / "growth.md" if out_dir.resolve() == BENCH_DIR / "results" else out_dir / "growth.md"
        growth_path.write_text(growth_markdown(results))
    return results


def growth_table(units: dict, counts: dict, main_set, client, *, requests: int, warmup: int) -> list[dict]:
    """Dashboard time against the number of communes under the unit: district, ~100, ~1,000, national."""
    rows = []
    national = sum(c for u, c in counts.items() if u.level == Level.PROVINCE)
    candidates = [("district", units["district"]), ("≈100", units["near_100"]),
                  ("closest to 1,000", units["near_1000"]), ("national", None)]
    seen = set()
    for label, unit in candidates:
        if unit is not None and unit.pk in seen:
            continue
        seen.add(unit.pk if unit else None)
        url = dashboard_url(unit, main_set.code)
        if url is None:
            break
        timing = time_requests(client, lambda url=url: client.get(url), warmup=warmup, n=max(5, requests // 2))
        # The same page as of yesterday: a past date ranks each commune's approved history (the as-of view).
        past_url = f"{url}&as_of={timezone.localdate() - datetime.timedelta(days=1):%Y-%m-%d}"
        past = time_requests(client, lambda url=past_url: client.get(url), warmup=1, n=max(5, requests // 6))
        floor = floor_ms(unit, main_set, repeat=5)
        rows.append({"label": label, "unit": unit.name if unit else "Cả nước",
                     "communes": counts[unit] if unit else national,
                     "assessments": Assessment.objects.filter(
                         criteria_set=main_set, commune__era=ERA,
                         **({"commune__path__startswith": unit.path} if unit else {})).count(),
                     "page_p50_ms": timing["p50_ms"], "page_p95_ms": timing["p95_ms"], "queries": timing["queries"],
                     "floor_p50_ms": floor["p50_ms"], "past_p50_ms": past["p50_ms"]})
    return rows


# ---------------------------------------------------------------- reports


def _fmt(value, suffix=""):
    return "—" if value is None else f"{value:,}{suffix}" if isinstance(value, int) else f"{value:,.1f}{suffix}"


def markdown(results: dict) -> str:
    m, d = results["machine"], results["data"]
    cfg = results["settings"]
    lines = [
        "# Benchmark results (latest run)", "",
        f"Ran {results['ran_at']} on {m['cpus']} × {m['cpu_model']}, {m['database']}, Python {m['python']} "
        f"(load average at start: {', '.join(map(str, m['load_average_at_start']))}).",
        f"Data: {d['assessments']:,} assessments, ≈{d['indicator_results_approx']:,} indicator results, "
        f"{d['communes_with_data']:,} communes; dashboards show `{results['set']}`, "
        f"the save writes `{results['saved_set']}`.",
        f"Django test client: {cfg['warmup']} warm-up + {cfg['requests']} timed requests per page; "
        f"HTTP: gunicorn ({cfg['gunicorn_workers']} sync workers, DB_CONN_MAX_AGE={cfg['db_conn_max_age']}) on "
        f"loopback, {cfg['http_clients']} client threads in a second process for {cfg['http_duration_s']} s.",
        "",
        "| page | communes | p50 ms | p95 ms | target p95 | queries | HTTP req/s | HTTP p95 ms | floor p50 ms "
        "| page/floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, page in results["pages"].items():
        if "skipped" in page:
            lines.append(f"| {name} | — | {page['skipped']} | | | | | | | |")
            continue
        dj, http, floor = page["django"], page.get("http", {}), page.get("floor", {})
        target = results["targets"]["p95_ms"].get(name)
        lines.append(
            f"| {name} | {_fmt(page.get('communes'))} | {_fmt(dj['p50_ms'])} | {_fmt(dj['p95_ms'])} | "
            f"{_fmt(target)} | {dj['queries']} | {_fmt(http.get('rps'))} | {_fmt(http.get('p95_ms'))} | "
            f"{_fmt(floor.get('p50_ms'))} | {_fmt(page.get('floor_ratio'), '×')} |"
        )
    lines += ["", f"Targets: at most {results['targets']['max_queries']} queries per page, "
              f"≥ {results['targets']['min_dashboard_rps']} dashboard requests/s with 4 clients, "
              f"page within {results['targets']['max_floor_ratio']:g}× its SQL floor.", ""]
    return "\n".join(lines)


def growth_markdown(results: dict) -> str:
    lines = [
        "# Growth: dashboard time against the communes under the unit", "",
        f"From the run of {results['ran_at']} ({results['machine']['cpus']} × {results['machine']['cpu_model']}, "
        f"{results['machine']['database']}); set `{results['set']}`, each commune with its full history "
        "of assessments. The floor is the one-query SQL of bench/run.py.", "",
        "Today's page reads the stored latest-approved flag (Assessment.is_latest_approved), so its time follows "
        "the communes shown, not the assessments behind them. The last column is the same page as of yesterday: "
        "a past date has to rank each commune's approved history, and costs more as the history grows.", "",
        "| unit | communes | assessments behind them | page p50 ms | page p95 ms | queries | floor p50 ms "
        "| ms per commune | as of yesterday p50 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in results["growth"]:
        per = row["page_p50_ms"] / row["communes"] if row["communes"] else None
        lines.append(f"| {row['label']}: {row['unit']} | {row['communes']:,} | {row['assessments']:,} | "
                     f"{_fmt(row['page_p50_ms'])} | {_fmt(row['page_p95_ms'])} | {row['queries']} | "
                     f"{_fmt(row['floor_p50_ms'])} | {'—' if per is None else f'{per:.3f}'} | "
                     f"{_fmt(row.get('past_p50_ms'))} |")
    return "\n".join(lines) + "\n"


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # 60: the p95 is then the 57th of 60, not the 29th of 30, which one hiccup of a shared machine moves.
    parser.add_argument("--requests", type=int, default=60, help="timed requests per page (test client)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--duration", type=float, default=10, help="seconds of HTTP load per page")
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--base-url", default=None, help="an already running server instead of gunicorn")
    parser.add_argument("--no-http", dest="http", action="store_false")
    parser.add_argument("--growth", action="store_true", help="also write bench/growth.md")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "results")
    args = parser.parse_args(argv)
    return run(requests=args.requests, warmup=args.warmup, duration=args.duration, clients=args.clients,
               workers=args.workers, base_url=args.base_url, http=args.http, growth=args.growth, out_dir=args.out)


if __name__ == "__main__":
    main()
