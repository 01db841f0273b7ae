"""National-scale synthetic assessments: K dated assessments per commune and synthetic set.

Realism that the dashboards and the benchmark need, and nothing more:
- the share of indicators met differs by region (DBSH and DNB ahead, the northern mountains and
  Tây Nguyên behind) and by commune, and drifts upward from one assessment to the next;
- earlier rounds are approved; the latest round is mostly approved, some submitted or returned;
- deterministic for a seed: each (commune, set) draws from its own random.Random seeded with
  (seed, set code, commune code), so a run over a subset, or a run resumed after a crash,
  produces the same rows as the full run.

Results and summaries go through assessments.bulk.assessments_bulk_create, i.e. the app's own
TargetBook.evaluate / summarize; only the answers are invented here. History rows are not written
(with_history=False): generated data has no author to record, and 10 M history rows would double
the load time for nothing the benchmark reads.
"""

import datetime
import multiprocessing
import random
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import connection, connections, transaction
from django.utils import timezone

from assessments.bulk import AssessmentSpec, assessments_bulk_create
from assessments.models import Assessment, Status
from assessments.services import TargetBook
from communes.models import AdministrativeUnit, CommuneGroup, Level, Region
from criteria.models import CriteriaSet, IndicatorKind
from ntm.lib import data_version
from synthetic import copy
from synthetic import sets as synthetic_sets

# Share of indicators met in the last round, by region (the first round is DRIFT lower).
REGION_LEVEL = {
    Region.DBSH: 0.93,
    Region.DNB: 0.92,
    Region.DBSCL: 0.88,
    Region.BTB: 0.88,
    Region.DHNTB: 0.87,
    Region.TN: 0.82,
    Region.TDMNPB: 0.78,
}
DRIFT = 0.14
SET_OFFSET = {"ntm": 0.0, "ntm_nang_cao": -0.06}
RETURN_REASON = "Thiếu biên bản kiểm tra thực tế; đề nghị bổ sung minh chứng (dữ liệu tổng hợp)."
# Months between two assessments and the date of the last one, by era.
CADENCE = {"pre2025": (3, datetime.date(2025, 6, 30)), "2025": (1, datetime.date(2026, 10, 31))}
GROUPS = [CommuneGroup.NHOM1, CommuneGroup.NHOM2, CommuneGroup.NHOM2, CommuneGroup.NHOM3]


def month_end(day: datetime.date, months_back: int) -> datetime.date:
    month = day.year * 12 + day.month - 1 - months_back
    first_of_next = datetime.date(month // 12 + (month % 12 == 11), (month + 1) % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


def dates_for(era: str, k: int) -> list[datetime.date]:
    step, last = CADENCE[era]
    return [month_end(last, step * (k - 1 - i)) for i in range(k)]


def pick_communes(era: str, n: int | None, seed: int) -> list[AdministrativeUnit]:
    """N communes of the era spread over the country (all of them when N is None or too big)."""
    communes = list(AdministrativeUnit.objects.filter(era=era, level=Level.COMMUNE).order_by("path"))
    if n is not None and n < len(communes):
        communes = sorted(random.Random(f"{seed}:{era}").sample(communes, n), key=lambda u: u.path)
    return communes


def assign_groups(communes: list[AdministrativeUnit], seed: int) -> list[str]:
    """Give current communes without a group (QĐ 51 nhóm) a synthetic one, or their targets resolve
    to "no target". Only blank groups are filled; the codes are recorded on the set so --reset can
    blank them again."""
    blank = [c for c in communes if not c.commune_group]
    for commune in blank:
        commune.commune_group = random.Random(f"{seed}:group:{commune.code}").choice(GROUPS)
    AdministrativeUnit.objects.bulk_update(blank, ["commune_group"], batch_size=2000)
    data_version.bump()
    return [c.code for c in blank]


class Answers:
    """Invents one assessment's answers; targets are looked up once per (indicator, region, group, year)."""

    def __init__(self, book: TargetBook):
        self.book = book
        self.targets = {}

    def target(self, indicator, commune, as_of):
        key = (indicator.id, commune.region, commune.commune_group, as_of.year)
        if key not in self.targets:
            self.targets[key] = self.book.target_for(indicator, commune, as_of)
        return self.targets[key]

    def __call__(self, commune, as_of, level: float, ease: dict, rng: random.Random) -> dict:
        answers = {}
        for indicator in self.book.indicators:
            wants_met = rng.random() < min(0.998, level + ease[indicator.id])
            target = self.target(indicator, commune, as_of)
            if indicator.kind == IndicatorKind.NUMERIC and target is not None and target.is_numeric:
                margin = Decimal(rng.randint(1, 15))
                value = target.value + margin if wants_met else target.value - margin
                if target.unit == "%":
                    value = min(value, Decimal(100))
                answers[indicator.code] = {"value": max(Decimal(0), value)}
            else:
                answers[indicator.code] = {"met": wants_met}
        return answers


def specs_for(commune, criteria_set: CriteriaSet, answers: Answers, dates, seed: int) -> list[AssessmentSpec]:
    rng = random.Random(f"{seed}:{criteria_set.code}:{commune.code}")
    final = REGION_LEVEL.get(commune.region, 0.85) + SET_OFFSET.get(criteria_set.level, 0) + rng.gauss(0, 0.05)
    ease = {i.id: rng.uniform(-0.06, 0.06) for i in answers.book.indicators}
    roll = rng.random()
    latest = Status.APPROVED if roll < 0.8 else Status.SUBMITTED if roll < 0.93 else Status.RETURNED
    specs = []
    for step, as_of in enumerate(dates):
        level = final - DRIFT * (len(dates) - 1 - step) / max(1, len(dates) - 1)
        status = latest if step == len(dates) - 1 else Status.APPROVED
        specs.append(
            AssessmentSpec(
                commune=commune,
                criteria_set=criteria_set,
                as_of=as_of,
                status=status,
                answers=answers(commune, as_of, level, ease, rng),
                stamps=_stamps(status, as_of),
            )
        )
    return specs


def _stamps(status: str, as_of: datetime.date) -> dict:
    def at(days):
        return timezone.make_aware(datetime.datetime.combine(as_of + datetime.timedelta(days=days), datetime.time(9)))

    stamps = {"submitted_at": at(7)}
    if status == Status.APPROVED:
        stamps["approved_at"] = at(20)
    elif status == Status.RETURNED:
        stamps |= {"returned_at": at(15), "return_reason": RETURN_REASON}
    return stamps


def batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def seed(
    *,
    communes: int | None,
    per_commune: int,
    seed: int,
    era: str = "pre2025",
    batch_communes: int = 100,
    jobs: int = 1,
    log: Callable[[str], None] = lambda _: None,
) -> dict:
    """Create the data; communes that already have assessments in a set are skipped (resumable).

    With jobs > 1 the batches are shared among forked processes (one connection each): on two
    cores one process keeps Python busy while the other's rows are written by PostgreSQL.
    """
    started = time.monotonic()
    if communes == 0:  # `seed_synthetic --reset --communes 0` only removes
        return {"assessments": 0, "results": 0, "seconds": 0.0}
    all_sets = synthetic_sets.synthetic_sets()
    work = []  # (set, dates, communes of one batch)
    for current_era in ["pre2025", "2025"] if era == "both" else [era]:
        units = pick_communes(current_era, communes, seed)
        if current_era == "2025":
            _record_groups(all_sets[f"{synthetic_sets.PREFIX}xa-ntm-2026-2030"], assign_groups(units, seed))
        dates = dates_for(current_era, per_commune)
        for cs in all_sets.values():
            if synthetic_sets.shape_of(cs).era != current_era:
                continue
            done = set(Assessment.objects.filter(criteria_set=cs).values_list("commune_id", flat=True).distinct())
            work += [(cs, dates, chunk) for chunk in batches([u for u in units if u.pk not in done], batch_communes)]
    if jobs <= 1 or len(work) < 2:
        created, results = _run(work, seed, log, started)
    else:
        created, results = _run_forked(work, seed, log, started, jobs)
    _analyze()
    return {"assessments": created, "results": results, "seconds": round(time.monotonic() - started, 1)}


def _record_groups(cs: CriteriaSet, filled: list[str]) -> None:
    if filled:
        codes = sorted({*cs.provenance.get("assigned_groups", []), *filled})
        cs.provenance = {**cs.provenance, "assigned_groups": codes}
        cs.save(update_fields=["provenance"])


def _run(work, seed_value: int, log, started) -> tuple[int, int]:
    created = results = 0
    answers = {}
    for cs, dates, chunk in work:
        book_answers = answers.get(cs.pk) or answers.setdefault(cs.pk, Answers(TargetBook(cs)))
        specs = [spec for commune in chunk for spec in specs_for(commune, cs, book_answers, dates, seed_value)]
        with transaction.atomic():
            _fast_session()
            assessments_bulk_create(
                specs, is_demo=True, with_history=False, batch_size=5000, insert_results=copy.results_writer()
            )
        created += len(specs)
        results += len(specs) * len(book_answers.book.indicators)
        log(f"{cs.code}: {created} assessments, {results} results, {time.monotonic() - started:.0f} s")
    return created, results


def _run_forked(work, seed_value: int, log, started, jobs: int) -> tuple[int, int]:
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    with context.Pool(jobs) as pool:
        parts = pool.starmap(_run_part, [(work[i::jobs], seed_value, started, i) for i in range(jobs)])
    return sum(p[0] for p in parts), sum(p[1] for p in parts)


def _run_part(work, seed_value: int, started, index: int) -> tuple[int, int]:
    try:
        return _run(work, seed_value, lambda line: print(f"[{index}] {line}", flush=True), started)
    finally:
        connections.close_all()


def _analyze() -> None:
    # Fresh planner statistics: until autovacuum gets to them the planner takes the tables for empty.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE assessments_assessment, assessments_indicatorresult, communes_administrativeunit")


def _fast_session() -> None:
    # Generated data can be regenerated: skip waiting for the WAL flush at each batch's commit.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def reset() -> dict:
    """Remove every synthetic set with its assessments and results, and the synthetic commune groups.

    Raw SQL on purpose: the approved-assessment guard (a pre_delete signal) protects real
    approved records, and an ORM cascade would load ten million rows into Python.
    """
    sets = list(CriteriaSet.objects.filter(code__startswith=synthetic_sets.PREFIX, is_synthetic=True))
    if not sets:
        return {"sets": 0}
    ids = [cs.pk for cs in sets]
    grouped = [code for cs in sets for code in cs.provenance.get("assigned_groups", [])]
    with transaction.atomic(), connection.cursor() as cursor:
        marks = ", ".join(["%s"] * len(ids))
        assessments = f"SELECT id FROM assessments_assessment WHERE criteria_set_id IN ({marks})"
        for table, column in (
            (
                "assessments_evidencefile",
                f"result_id IN (SELECT id FROM assessments_indicatorresult WHERE assessment_id IN ({assessments}))",
            ),
            ("assessments_indicatorresult", f"assessment_id IN ({assessments})"),
            ("assessments_historicalindicatorresult", f"assessment_id IN ({assessments})"),
            ("assessments_historicalassessment", f"criteria_set_id IN ({marks})"),
            ("assessments_assessment", f"criteria_set_id IN ({marks})"),
        ):
            cursor.execute(f"DELETE FROM {table} WHERE {column}", ids)
        deleted = cursor.rowcount
        AdministrativeUnit.objects.filter(era="2025", code__in=grouped).update(commune_group="")
        for cs in sets:  # criteria, indicators and targets cascade; the sets are drafts again first
            CriteriaSet.objects.filter(pk=cs.pk).update(in_use=False, status="draft")
        CriteriaSet.objects.filter(pk__in=ids).delete()
        data_version.bump()  # the deletes above are raw SQL
    return {"sets": len(sets), "assessments": deleted}
