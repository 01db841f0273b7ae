"""The national synthetic data generator (synthetic/) and a smoke run of the benchmark (bench/run.py)."""

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from assessments import services
from assessments.models import Assessment, IndicatorResult, Status
from assessments.services import TargetBook
from communes.models import AdministrativeUnit, Era, Level, Region
from criteria.models import CriteriaSet, IndicatorTarget, SetStatus
from dashboards import selectors
from dashboards.area import Area
from synthetic import generator, sets
from tests import factories

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def country(db):
    """Two pre-2025 provinces in a leading and a lagging region (2 districts × 3 communes each), and a
    current province of 3 communes without commune groups."""
    units = {}
    for code, region in (("01", Region.DBSH), ("02", Region.TDMNPB)):
        province = factories.make_unit(code=code, name=f"Tỉnh {code}", region=region)
        for d in range(2):
            district = factories.make_unit(parent=province, code=f"{code}{d}", name=f"Huyện {code}{d}")
            for c in range(3):
                factories.make_unit(parent=district, code=f"{code}{d}{c:02d}", name=f"Xã {code}{d}{c}")
        units[code] = province
    current = factories.make_unit(code="03", name="Tỉnh mới", era=Era.CURRENT, region=Region.BTB)
    for c in range(3):
        factories.make_unit(parent=current, code=f"030{c:02d}", name=f"Xã mới {c}", level=Level.COMMUNE)
    return units


def snapshot() -> list[tuple]:
    """Every generated row in a stable order, without database ids."""
    assessments = [
        (
            a.commune.era,
            a.commune.code,
            a.criteria_set.code,
            a.as_of,
            a.status,
            a.criteria_met,
            a.indicators_met,
            a.indicators_unknown,
            a.meets_standard,
            tuple(str(u) for u in a.unmet),
        )
        for a in Assessment.objects.select_related("commune", "criteria_set").order_by(
            "commune__era", "commune__code", "criteria_set__code", "as_of"
        )
    ]
    results = list(
        IndicatorResult.objects.order_by(
            "assessment__commune__era",
            "assessment__commune__code",
            "assessment__criteria_set__code",
            "assessment__as_of",
            "indicator__code",
        ).values_list(
            "assessment__commune__code", "assessment__as_of", "indicator__code", "value", "met", "target_applied"
        )
    )
    return assessments + results


def test_sets_have_the_official_shape_and_are_never_official(country):
    generator.seed(communes=None, per_commune=1, seed=1, era="both")
    shapes = {cs.code: cs for cs in CriteriaSet.objects.with_counts()}
    assert {code: (cs.criteria_count, cs.indicator_count) for code, cs in shapes.items()} == {
        "synthetic-xa-ntm-2021-2025": (19, 57),
        "synthetic-xa-ntm-nang-cao-2021-2025": (19, 75),
        "synthetic-xa-ntm-2026-2030": (10, 47),
    }
    for cs in shapes.values():
        assert cs.is_synthetic and cs.published_by_demo and cs.status == SetStatus.PUBLISHED
        assert cs.decision_number == "" and cs.provenance["official"] is False
    # Targets by region (2021-2025) and by commune group (2026-2030), as the official tables.
    assert (
        IndicatorTarget.objects.filter(indicator__criteria_set__code="synthetic-xa-ntm-2021-2025")
        .exclude(region="")
        .exists()
    )
    by_group = IndicatorTarget.objects.filter(indicator__criteria_set__code="synthetic-xa-ntm-2026-2030")
    assert by_group.exists() and not by_group.filter(commune_group="").exists()


def test_same_seed_same_rows_and_another_seed_other_rows(country):
    generator.seed(communes=None, per_commune=3, seed=7, era="both")
    first = snapshot()
    assert len(first) > 12 * 2 * 3 + 3 * 3  # assessments of both eras, then their results
    generator.reset()
    assert not Assessment.objects.exists() and not CriteriaSet.objects.exists()
    generator.seed(communes=None, per_commune=3, seed=7, era="both")
    assert snapshot() == first
    generator.reset()
    generator.seed(communes=None, per_commune=3, seed=8, era="both")
    assert snapshot() != first


def test_a_subset_and_a_resumed_run_give_the_same_rows(country):
    generator.seed(communes=None, per_commune=2, seed=3, era="pre2025")
    full = snapshot()
    generator.reset()
    generator.seed(communes=5, per_commune=2, seed=3, era="pre2025")
    assert Assessment.objects.values("commune").distinct().count() == 5
    generator.seed(communes=None, per_commune=2, seed=3, era="pre2025")  # resumes: skips the 5 done
    assert snapshot() == full


def test_stored_summaries_equal_the_apps_roll_up(country):
    generator.seed(communes=None, per_commune=4, seed=11, era="both")
    books = {}
    sample = Assessment.objects.select_related("commune", "criteria_set").order_by("id")[::5]
    assert len(sample) >= 10
    for assessment in sample:
        book = books.setdefault(assessment.criteria_set_id, TargetBook(assessment.criteria_set))
        results = list(assessment.results.all())
        assert len(results) == len(book.indicators)
        for result in results:  # each result evaluated as the entry form would
            met, text = book.evaluate(
                book.by_id[result.indicator_id],
                assessment.commune,
                assessment.as_of,
                value=result.value,
                answer=result.met,
            )
            assert (met, text) == (result.met, result.target_applied)
        summary = book.summarize(results)
        assert (
            assessment.criteria_met,
            assessment.criteria_total,
            assessment.indicators_met,
            assessment.indicators_total,
            assessment.indicators_unknown,
            assessment.unmet,
        ) == (
            summary.criteria_met,
            summary.criteria_total,
            summary.indicators_met,
            summary.indicators_total,
            summary.indicators_unknown,
            summary.unmet,
        )
    pending = Assessment.objects.exclude(status=Status.APPROVED).select_related("commune", "criteria_set")
    assert pending.exists()
    for assessment in pending:  # the app's own recompute finds nothing to change
        assert services.assessment_recompute_summary(assessment=assessment) is False
    # The stored latest-approved flag is what the app's own refresh derives from the approved history.
    flagged = set(Assessment.objects.filter(is_latest_approved=True).values_list("id", flat=True))
    assert flagged
    services.latest_approved_refresh(scope=Q())
    assert set(Assessment.objects.filter(is_latest_approved=True).values_list("id", flat=True)) == flagged


def test_progress_rises_over_time_differs_by_region_and_statuses_are_realistic(country):
    generator.seed(communes=None, per_commune=6, seed=5, era="pre2025")
    rows = list(
        Assessment.objects.filter(commune__era=Era.PRE_2025).values(
            "as_of", "status", "indicators_met", "indicators_total", "commune__region"
        )
    )
    dates = sorted({r["as_of"] for r in rows})
    assert len(dates) == 6 and dates[-1].isoformat() == "2025-06-30"

    def share(keep):
        chosen = [r for r in rows if keep(r)]
        return sum(r["indicators_met"] for r in chosen) / sum(r["indicators_total"] for r in chosen)

    assert share(lambda r: r["as_of"] == dates[-1]) > share(lambda r: r["as_of"] == dates[0]) + 0.05
    assert share(lambda r: r["commune__region"] == Region.DBSH) > share(lambda r: r["commune__region"] == Region.TDMNPB)
    assert {r["status"] for r in rows if r["as_of"] != dates[-1]} == {Status.APPROVED}
    assert {r["status"] for r in rows if r["as_of"] == dates[-1]} <= {
        Status.APPROVED,
        Status.SUBMITTED,
        Status.RETURNED,
    }


def test_reset_removes_approved_synthetic_data_and_the_groups_it_gave(country):
    call_command("seed_synthetic", "--assessments-per-commune", "2", "--era", "both", "--seed", "2")
    current = list(country["01"].__class__.objects.filter(era=Era.CURRENT, level=Level.COMMUNE))
    assert all(u.commune_group for u in current)  # groups given so that QĐ 51-shaped targets apply
    assert Assessment.objects.filter(status=Status.APPROVED).exists()
    other = factories.make_set(code="qd-other")  # a real set is never touched
    call_command("seed_synthetic", "--reset", "--communes", "0", "--era", "pre2025")
    assert not CriteriaSet.objects.filter(code__startswith=sets.PREFIX).exists()
    assert not Assessment.objects.exists() and not IndicatorResult.objects.exists()
    assert CriteriaSet.objects.filter(pk=other.pk).exists()
    assert not any(
        u.commune_group for u in country["01"].__class__.objects.filter(era=Era.CURRENT, level=Level.COMMUNE)
    )


def _bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db(transaction=True)
def test_benchmark_smoke_run_writes_its_reports(country, live_server, tmp_path, settings):
    settings.ROOT_URLCONF = "bench.urls"  # the fixed-cost pages, as bench.settings has them
    generator.seed(communes=None, per_commune=3, seed=1, era="pre2025")
    # An editable assessment of the 75-indicator set for the "save" page.
    Assessment.objects.filter(criteria_set__code="synthetic-xa-ntm-nang-cao-2021-2025").order_by("id").filter(
        pk=Assessment.objects.filter(criteria_set__code="synthetic-xa-ntm-nang-cao-2021-2025").order_by("id")[0].pk
    ).update(status=Status.RETURNED)
    bench = _bench()
    out = tmp_path / "results"
    # One HTTP client: the live server shares SQLite's in-memory connection between its threads.
    bench.main(
        [
            "--requests",
            "4",
            "--rounds",
            "2",
            "--warmup",
            "1",
            "--duration",
            "0.6",
            "--http-rounds",
            "2",
            "--http-warm",
            "0.2",
            "--clients",
            "1",
            "--base-url",
            live_server.url,
            "--growth",
            "--out",
            str(out),
        ]
    )
    report = json.loads((out / "latest.json").read_text())
    pages = report["pages"]
    assert set(pages) == {
        "empty_page",
        "base_template",
        "district_dashboard",
        "province_dashboard",
        "national_dashboard",
        "commune_page",
        "summary_api",
        "save_assessment",
    }
    for name, page in pages.items():
        assert page["django"]["n"] == 4 and page["django"]["queries"] > 0, name
        assert page["django"]["p95_ms"] >= page["django"]["p50_ms"] > 0
        # Two rounds of two; the reported p50 is the best round's, each round records the load it ran under.
        rounds = page["django"]["rounds"]
        assert [r["n"] for r in rounds] == [2, 2] and all(r["load_average"] >= 0 for r in rounds)
        assert page["django"]["p50_ms"] == min(r["p50_ms"] for r in rounds)
    for name in ("empty_page", "district_dashboard", "province_dashboard", "national_dashboard"):
        http = pages[name]["http"]
        assert http["requests"] > 0 and http["errors"] == 0 and len(http["rounds"]) == 2
        assert http["rps"] == max(r["rps"] for r in http["rounds"])
    # The floor ratio divides by the floor plus the empty page's fixed cost, and prints the formula.
    empty = pages["empty_page"]["django"]["p50_ms"]
    district = pages["district_dashboard"]
    assert f"+ {empty:.1f})" in district["floor_formula"]
    assert district["floor_ratio"] == round(district["django"]["p50_ms"] / (district["floor"]["p50_ms"] + empty), 2)
    verdicts = {v["target"]: v for v in report["verdicts"]}
    assert (
        "district_dashboard p95 ≤ 30 ms" in verdicts and "district_dashboard ≥ 100 req/s (4 clients, warm)" in verdicts
    )
    assert all(isinstance(v["pass"], bool) for v in verdicts.values())
    # Hit and miss: each dashboard and page is timed again with the data version bumped before every request;
    # a miss reads the data (more queries), a hit only the session and the user (and the unit).
    for name in ("district_dashboard", "province_dashboard", "national_dashboard", "commune_page", "summary_api"):
        miss = pages[name]["django_miss"]
        assert miss["n"] >= 10 and miss["p50_ms"] > 0, name
        assert f"{name} queries ≤ 10 on a cache miss" in verdicts and f"{name} queries ≤ 3 on a cache hit" in verdicts
    district = pages["district_dashboard"]
    assert district["django_miss"]["queries"] > district["django"]["queries"]
    assert "district_dashboard p95 ≤ 30 ms on a cache miss" in verdicts
    assert "| miss p50 ms |" in (out / "latest.md").read_text()
    assert district["floor_ratio_miss"] == round(
        district["django_miss"]["p50_ms"] / (district["floor"]["p50_ms"] + empty), 2
    )
    assert "## Verdicts (best rounds)" in (out / "latest.md").read_text()
    # A district's floor reads its communes; above a district (issue 14) the floor is one row per child unit.
    assert pages["district_dashboard"]["floor"]["rows"] == pages["district_dashboard"]["communes"]
    provinces = {
        path.split("/")[0]
        for path in AdministrativeUnit.objects.filter(era=Era.PRE_2025, level=Level.COMMUNE).values_list(
            "path", flat=True
        )
    }
    assert pages["national_dashboard"]["floor"]["rows"] == len(provinces)
    assert pages["district_dashboard"]["communes"] == 3 and pages["national_dashboard"]["communes"] == 12
    assert pages["save_assessment"]["indicators"] == 75
    assert Assessment.objects.get(pk=pages["save_assessment"]["url"].split("/")[-3]).revision >= 4  # 3 saves
    assert "| district_dashboard |" in (out / "latest.md").read_text()
    assert "| empty_page |" in (out / "latest.md").read_text()
    assert "national" in (out / "growth.md").read_text()
    assert report["growth"] and all(row["past_p50_ms"] > 0 for row in report["growth"])
    # The floor computes the page's figures: per commune, the same latest approved summary.
    main_set = CriteriaSet.objects.get(code=report["set"])
    with connection.cursor() as cursor:
        cursor.execute(bench.FLOOR_SQL, bench.floor_params(None, main_set))
        names = [col[0] for col in cursor.description]
        floor = {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}
    page = selectors.latest_approved(Area("pre2025"), main_set, timezone.localdate(), with_unmet=False)
    assert {
        pk: (r["criteria_met"], r["indicators_met"]) for pk, r in floor.items() if r["criteria_met"] is not None
    } == {pk: (s["criteria_met"], s["indicators_met"]) for pk, s in page.items()}
    assert report["machine"]["cpus"] >= 1 and report["data"]["assessments"] == Assessment.objects.count()


def test_the_benchmark_times_gunicorn_only_once_every_worker_has_loaded_the_application(tmp_path):
    bench = _bench()
    ready = tmp_path / "ready"
    ready.mkdir()
    server, base_url = bench.start_gunicorn(2, ready)
    try:
        # Each worker left its pid once the application was loaded; the master and both workers are counted.
        pids = bench.server_pids(server)
        assert len(list(ready.iterdir())) == 2
        assert {int(f.name) for f in ready.iterdir()} == set(pids[1:]) and pids[0] == server.pid
        assert bench.process_cpu_seconds(pids) > 0
        assert base_url.startswith("http://127.0.0.1:")
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_best_round_is_the_fastest_and_rounds_that_disagree_are_flagged():
    bench = _bench()
    assert bench.split_rounds(5, 3) == [2, 2, 1] and bench.split_rounds(2, 5) == [1, 1]
    verdict = bench.best_of([{"p50_ms": 20.0}, {"p50_ms": 10.0}, {"p50_ms": 11.0}])
    assert verdict["best"] == {"p50_ms": 10.0} and verdict["spread"] == 1.0 and verdict["unstable"]
    steady = bench.best_of([{"rps": 100.0}, {"rps": 110.0}], key="rps", highest=True)
    assert steady["best"] == {"rps": 110.0} and not steady["unstable"]


@pytest.mark.django_db(transaction=True)
def test_seeding_ends_with_vacuum_analyze_on_postgresql(country):
    from io import StringIO

    out = StringIO()
    call_command("seed_synthetic", "--assessments-per-commune", "1", "--era", "pre2025", stdout=out)
    if connection.vendor == "postgresql":
        # Fresh tables get planner statistics and a visibility map (autovacuum may be off).
        assert "VACUUM ANALYZE in" in out.getvalue()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = %s",
                ["assessments_indicatorresult"],
            )
            assert all(cursor.fetchone())
    else:  # SQLite: nothing to vacuum for the planner
        assert "VACUUM" not in out.getvalue()
    out = StringIO()
    call_command("seed_synthetic", "--reset", "--communes", "0", "--no-vacuum", stdout=out)
    assert "VACUUM" not in out.getvalue()


@pytest.mark.parametrize(("settings_module", "installed"), [("ntm.settings", False), ("bench.settings", True)])
def test_the_synthetic_data_command_exists_only_in_the_benchmark_settings(settings_module, installed):
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings_module}
    result = subprocess.run(
        [sys.executable, "manage.py", "help", "seed_synthetic"], cwd=root, env=env, capture_output=True, text=True
    )
    assert (result.returncode == 0) is installed, result.stdout + result.stderr
    assert ("Unknown command: 'seed_synthetic'" in result.stderr) is not installed
