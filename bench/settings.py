"""Settings for the benchmark: the production settings (DEBUG off, WhiteNoise's manifest storage), with
collectstatic's output kept under var/ so that the benchmark never creates staticfiles/ in a checkout
whose tests serve static files from the finders."""

from ntm.settings import *  # noqa: F403

# The synthetic data's command (seed_synthetic) exists only here (and in the tests), never in production.
INSTALLED_APPS = [*INSTALLED_APPS, "synthetic"]  # noqa: F405

STATIC_ROOT = BASE_DIR / "var" / "bench-static"  # noqa: F405

# The site's URLs plus the two fixed-cost pages (/bench/empty/, /bench/base/), in the benchmark only.
ROOT_URLCONF = "bench.urls"
