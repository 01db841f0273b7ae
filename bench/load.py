"""A small HTTP load generator: C threads, each sending GET requests one after another for a fixed
duration. Run as a separate process from the server (bench/run.py starts it), so the clients'
Python does not share the server's interpreter.

    python bench/load.py --url http://127.0.0.1:8765/dashboard/pre2025/ --clients 4 --duration 10 \
        --cookie "sessionid=..."

Prints one JSON object: requests, errors, requests per second, p50/p95 latency in milliseconds.
"""

import argparse
import http.client
import json
import statistics
import threading
import time
import urllib.parse


def worker(url: urllib.parse.SplitResult, headers: dict, until: float, latencies: list, errors: list) -> None:
    path = url.path + (f"?{url.query}" if url.query else "")
    while time.perf_counter() < until:
        started = time.perf_counter()
        try:
            # A new connection per request: gunicorn's sync workers close it after each response.
            conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                errors.append(response.status)
                continue
        except OSError as error:
            errors.append(str(error))
            continue
        latencies.append(time.perf_counter() - started)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(url: str, *, clients: int, duration: float, cookie: str = "") -> dict:
    parts = urllib.parse.urlsplit(url)
    headers = {"Cookie": cookie, "Host": parts.netloc} if cookie else {"Host": parts.netloc}
    latencies, errors = [], []
    started = time.perf_counter()
    until = started + duration
    threads = [threading.Thread(target=worker, args=(parts, headers, until, latencies, errors)) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "duration_s": round(elapsed, 2),
        "requests": len(latencies),
        "errors": len(errors),
        "error_samples": [str(e) for e in errors[:3]],
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95) * 1000, 1) if latencies else None,
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--duration", type=float, default=10)
    parser.add_argument("--cookie", default="")
    args = parser.parse_args(argv)
    print(json.dumps(run(args.url, clients=args.clients, duration=args.duration, cookie=args.cookie)))


if __name__ == "__main__":
    main()
