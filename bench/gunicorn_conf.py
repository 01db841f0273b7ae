"""gunicorn settings for the benchmark: each worker, once it has loaded the application, leaves a file
named after its pid in $BENCH_READY_DIR, so that bench/run.py starts timing only when every worker is
up (the port accepts connections as soon as the master binds it, long before the workers boot)."""

import os
from pathlib import Path


def post_worker_init(worker):
    ready = os.environ.get("BENCH_READY_DIR")
    if ready:
        (Path(ready) / str(worker.pid)).touch()
