"""python -m bench.child — the daily sweep and a force-wide compliance pass in a fresh process, so its peak memory
(RSS high-water mark) is its own. Prints one JSON object:

- idle_rss_kib: the RSS high-water mark after importing the app and opening the database (the baseline);
- raw_read_s: reading every row the judgements need with plain SELECTs (the floor for the sweep);
- sweep_s: the real sweep (scheduler.sweep.run_sweep, not a dry run: claims, digests, outbox delivery);
- sweep_peak_rss_kib: the high-water mark after the sweep;
- compliance_s: compliance of every serving officer in the force (scheduler.services.compliance_for);
- peak_rss_kib: the high-water mark at the end.

`python -m bench.child --build N` first fills an empty database with a synthetic force of N officers.
The environment (DATABASE_URL, CSAS_VAR_DIR, ...) comes from the parent.
"""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

RAW_READS = (
    'SELECT * FROM "officer"',
    'SELECT * FROM "organisation"',
    'SELECT * FROM "accreditation"',
    'SELECT * FROM "designated_power"',
    'SELECT * FROM "vetting_application"',
    'SELECT * FROM "training_record"',
    'SELECT * FROM "training_booking"',
    'SELECT * FROM "kit_issue"',
)


def rss_kib() -> int:
    """This process's RSS high-water mark in KiB. Linux's VmHWM belongs to this program's memory map; getrusage's
    ru_maxrss survives fork and exec, so it would report the parent's peak when that was larger."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


async def raw_read() -> float:
    """Every row the compliance judgement reads, with no joins and no Python work: what reading costs."""
    from register.tables import Officer

    start = time.perf_counter()
    for sql in RAW_READS:
        await Officer.raw(sql)
    return time.perf_counter() - start


async def main() -> dict[str, Any]:
    from bootstrap import wire
    from core.access import Principal
    from core.clock import business_today
    from core.lifecycle import close_database, open_database
    from scheduler.services import compliance_for
    from scheduler.sweep import run_sweep

    wire()
    await open_database()
    try:
        out: dict[str, Any] = {"idle_rss_kib": rss_kib()}
        today = business_today()
        out["raw_read_s"] = await raw_read()
        start = time.perf_counter()
        result = await run_sweep(today)
        out["sweep_s"] = time.perf_counter() - start
        out["sweep_peak_rss_kib"] = rss_kib()
        out.update(officers=result.officers, messages=result.messages, lapses=result.lapses,
                   delivered=result.delivered)
        start = time.perf_counter()
        judged = await compliance_for(Principal.system("bench"), today)
        out["compliance_s"] = time.perf_counter() - start
        out["judged"] = len(judged)
        del judged
        out["peak_rss_kib"] = rss_kib()
        return out
    finally:
        await close_database()


async def build(officers: int) -> None:
    from bench.generate import generate
    from bootstrap import migrate, wire
    from core.clock import business_today
    from core.lifecycle import close_database, open_database

    wire()
    await open_database()
    try:
        await migrate(quiet=True)
        await generate(officers, business_today())
    finally:
        await close_database()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--build"]:
        asyncio.run(build(int(sys.argv[2])))
    else:
        json.dump(asyncio.run(main()), sys.stdout)
        sys.stdout.write("\n")
