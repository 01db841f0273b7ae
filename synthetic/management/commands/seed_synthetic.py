"""Create national-scale synthetic assessments for load tests and the benchmark (bench/run.py).

Run `manage.py load_units` first. Synthetic sets (code prefix "synthetic-", is_synthetic) are
created on first use. Not for a production database: the assessments are flagged is_demo and the
sets are never official. Examples:

    manage.py seed_synthetic --settings=bench.settings --communes 10000 --assessments-per-commune 8 --era both
    manage.py seed_synthetic --settings=bench.settings --reset --communes 200 --assessments-per-commune 4
    manage.py seed_synthetic --settings=bench.settings --reset --communes 0      # only remove the synthetic data
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from communes.models import AdministrativeUnit
from synthetic import generator


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--communes", type=int, default=None, help="communes per era (default: all)")
        parser.add_argument("--assessments-per-commune", type=int, default=8, dest="per_commune")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--era", choices=["pre2025", "2025", "both"], default="pre2025")
        parser.add_argument("--batch", type=int, default=100, help="communes per transaction")
        parser.add_argument("--jobs", type=int, default=1, help="processes (PostgreSQL; 2 on a 2-core machine)")
        parser.add_argument("--reset", action="store_true", help="remove earlier synthetic data first")
        parser.add_argument(
            "--no-vacuum", dest="vacuum", action="store_false", help="skip VACUUM ANALYZE after seeding (PostgreSQL)"
        )

    def handle(self, *args, communes, per_commune, seed, era, batch, jobs, reset, vacuum=True, **options):
        if not AdministrativeUnit.objects.exists():
            raise CommandError("No administrative units: run `manage.py load_units` first.")
        if reset:
            self.stdout.write(f"Reset: {generator.reset()}")
        outcome = generator.seed(
            communes=communes,
            per_commune=per_commune,
            seed=seed,
            era=era,
            batch_communes=batch,
            jobs=jobs,
            log=lambda line: self.stdout.write(line) if options["verbosity"] > 1 else None,
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{outcome['assessments']} assessments, {outcome['results']} indicator results "
                f"in {outcome['seconds']} s."
            )
        )
        if vacuum and connection.vendor == "postgresql" and not connection.in_atomic_block:
            # Fresh tables have no planner statistics and no visibility map (where autovacuum is off, as on
            # the benchmark machine): without this, no index-only scan and misjudged plans.
            started = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stdout.write(f"VACUUM ANALYZE in {time.perf_counter() - started:.1f} s.")
