"""python -m bench [--officers N] [--import-rows N] [--database-url URL]

Builds a synthetic force (bench.generate) in a fresh database, then measures, each against a baseline measured in
the same run (machines here are shared and noisy, so ratios are what compare between runs):
- the officer's record PDF (load + render)  vs rendering a trivial one-page fpdf2 PDF; target ≤ 150 ms
- the compliance pack for 500 officers      vs the same trivial PDF; target ≤ 10 s
- importing a 10,000-row training CSV       vs reading that CSV into pandas; target ≤ 20 s
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

TARGETS = {"officer record PDF": 0.150, "compliance pack (500 officers)": 10.0, "import 10,000 rows": 20.0}


def _median(samples: list[float]) -> float:
    return statistics.median(samples)


async def _timed(work: Callable[[], Awaitable[Any]], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        await work()
        samples.append(time.perf_counter() - start)
    return _median(samples)


def _trivial_pdf() -> bytes:
    """A one-page fpdf2 PDF with a core font: the floor of making any PDF on this machine."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(0, 10, "Hello, register.")
    return bytes(pdf.output())


def _report(name: str, seconds: float, baseline_name: str, baseline: float) -> None:
    target = TARGETS[name]
    verdict = "OK" if seconds <= target else "OVER TARGET"
    print(f"{name:<32} {seconds * 1000:>9.1f} ms  = {seconds / baseline:>7.1f} x {baseline_name} "
          f"({baseline * 1000:.1f} ms)   target {target * 1000:.0f} ms: {verdict}")


async def main(officers: int, import_rows: int) -> None:
    from bootstrap import migrate, wire
    from core.clock import business_today
    from core.lifecycle import close_database, open_database
    from core.roles import Principal

    wire()
    await open_database()
    try:
        await migrate(quiet=True)
        from bench.generate import generate

        today = business_today()
        actor = Principal.system("bench")
        start = time.perf_counter()
        force = await generate(officers, today)
        print(f"generated {len(force.officer_ids)} officers in {time.perf_counter() - start:.1f} s")

        from admin_ui import imports
        from admin_ui.reports import data, officer_pdf, pack_pdf

        baseline_pdf = await _timed(lambda: asyncio.to_thread(_trivial_pdf), 5)

        officer_id = force.officer_ids[len(force.officer_ids) // 2]

        async def record() -> bytes:
            loaded = await data.officer_record_data(actor, officer_id, today)
            return await asyncio.to_thread(officer_pdf.render, loaded, today)

        await record()  # warm: fonts parsed, modules imported
        _report("officer record PDF", await _timed(record, 7), "trivial PDF", baseline_pdf)

        async def pack() -> bytes:
            loaded = await data.analytics(actor, today, force.big_organisation_id)
            return await asyncio.to_thread(pack_pdf.render, "Compliance pack", loaded, today)

        _report("compliance pack (500 officers)", await _timed(pack, 3), "trivial PDF", baseline_pdf)

        lines = ["officer,module,completed_on,result,provider"]
        modules = ("PREVENT", "DATA_PROTECTION", "MODERN_SLAVERY", "RADIO")
        for i in range(import_rows):
            staff = force.staff_numbers[i % len(force.staff_numbers)]
            day = today - dt.timedelta(days=1 + (i // len(force.staff_numbers)) * 3)
            lines.append(f"{staff},{modules[i % len(modules)]},{day.isoformat()},pass,Bench Academy")
        csv_bytes = ("\n".join(lines) + "\n").encode()

        def read_pandas() -> Any:
            import io

            import pandas as pd

            return pd.read_csv(io.BytesIO(csv_bytes), dtype=str)

        baseline_csv = await _timed(lambda: asyncio.to_thread(read_pandas), 3)

        async def run_import() -> Any:
            rows = await asyncio.to_thread(imports.read_table, "bench.csv", csv_bytes)
            result = await imports.run_import(actor, "training", rows, today=today)
            assert not result.errors, result.errors[:3]
            assert result.created == import_rows, result.as_dict()
            return result

        _report("import 10,000 rows", await _timed(run_import, 1), "pandas read_csv", baseline_csv)
    finally:
        await close_database()


def cli() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=1000)
    parser.add_argument("--import-rows", type=int, default=10_000)
    parser.add_argument("--database-url", default=None,
                        help="An EMPTY database to fill (default: a fresh SQLite file in a temporary folder).")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="csas-bench-"))
    os.environ["DATABASE_URL"] = args.database_url or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("CSAS_VAR_DIR", str(folder))
    os.environ["CSAS_SCHEDULER"] = "off"
    os.environ.setdefault("CSAS_SECRET_KEY", "bench-only-secret")
    print(f"database: {os.environ['DATABASE_URL']}")
    asyncio.run(main(args.officers, args.import_rows))


if __name__ == "__main__":
    cli()
