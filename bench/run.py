"""One benchmark in this process, on a fresh Strada: ``python -m bench.run NAME --out FILE ...``.

``python -m bench`` starts one of these per benchmark (and per size), so every benchmark begins on
an empty data directory and database and no benchmark's caches or memory carry over to the next.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bench import env


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("name", choices=["single", "batched", "listing", "htcds"])
    parser.add_argument("--out", required=True)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()

    bench = env.start(args.database_url)
    try:
        from django.db import connection

        if args.name == "single":
            from bench.register import single

            result = single(bench, args.clients, args.rounds)
        elif args.name == "batched":
            from bench.register import batched

            result = batched(bench, args.clients, args.batch_size)
        elif args.name == "htcds":
            from bench.import_htcds import import_htcds

            result = import_htcds(bench, args.rows)
        else:
            from bench.listing import listing

            result = listing(bench, args.clients, args.batch_size, args.runs)
        result["database"] = connection.vendor
        Path(args.out).write_text(json.dumps(result, indent=1), encoding="utf-8")
    finally:
        bench.close()


if __name__ == "__main__":
    main()
