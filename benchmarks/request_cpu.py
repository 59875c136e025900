"""CPU time of one request per list endpoint, in-process (Django's test client, no HTTP): the app's own cost, which a
busy machine disturbs much less than the throughput `load.py` measures (the process's CPU time, not the wall clock).

    .venv/bin/python benchmarks/request_cpu.py --data-dir data/bench-load-sqlite [--user qa] [--repeat 15] [PATH …]

Uses a data directory that `benchmarks/load.py --keep` filled (the demo's 20,000 interactions), or the PostgreSQL
database DATABASE_URL names. Prints JSON: per path the median and minimum CPU milliseconds of --repeat requests after
one warm-up, as the QA lead (the largest lists), the pages through a session and the API through a token.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

PATHS = [
    "/login/",
    "/interactions/",
    "/reviews/",
    "/reviews/queue/",
    "/disputes/",
    "/sampling/",
    "/calibration/",
    "/notifications/",
    "/api/v1/interactions",
    "/api/v1/reviews",
    "/api/v1/reviews/assignments",
    "/api/v1/disputes",
    "/api/v1/calibration/sessions",
    "/api/v1/sampling/plans",
    "/api/v1/notifications",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--user", default="qa")
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("paths", nargs="*", default=PATHS)
    args = parser.parse_args()
    os.environ["QADESK_DATA_DIR"] = str(Path(args.data_dir).resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qadesk.settings")
    import django

    django.setup()
    from django.test import Client

    from qadesk.accounts.models import ApiToken, User
    from qadesk.accounts.services import api_token_create

    user = User.objects.get(username=args.user)
    page = Client()
    page.force_login(user)
    token, key = api_token_create(user=user, name="request_cpu")
    api = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    results = {}
    try:
        for path in args.paths:
            client = api if path.startswith("/api/") else page
            if client.get(path).status_code != 200:
                sys.exit(f"{path} did not answer 200")
            times = []
            for _ in range(args.repeat):
                began = time.process_time()
                client.get(path)
                times.append(time.process_time() - began)
            results[path] = {
                "cpu_median_ms": round(statistics.median(times) * 1000, 1),
                "cpu_min_ms": round(min(times) * 1000, 1),
            }
    finally:
        ApiToken.objects.filter(pk=token.pk).delete()
    print(
        json.dumps({"benchmark": "request_cpu", "user": args.user, "load_average": os.getloadavg(), "paths": results}, indent=2)
    )


if __name__ == "__main__":
    main()
