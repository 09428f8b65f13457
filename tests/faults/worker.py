"""Another app instance for the fault tests, as its own process on the tests' database.

    python -m tests.faults.worker sweep YYYY-MM-DD    run the day's sweep (delivery included)
    python -m tests.faults.worker deliver             deliver what is due now

It opens the database, prints "ready", waits for a line on stdin (so several workers start the work together),
does it once and prints the outcome as one line of JSON.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import sys
from typing import Any


async def main(action: str, as_of: str | None) -> dict[str, Any]:
    from bootstrap import wire
    from core.clock import now_utc
    from core.lifecycle import close_database, open_database
    from scheduler.delivery import deliver_pending
    from scheduler.outbox_tables import Notification
    from scheduler.sweep import run_sweep

    wire()
    await open_database()
    try:
        await Notification.count()  # connected and warm before the start signal
        print("ready", flush=True)
        await asyncio.to_thread(sys.stdin.readline)  # the start signal
        if action == "sweep":
            assert as_of is not None
            result = await run_sweep(dt.date.fromisoformat(as_of), now=now_utc())
            return {"messages": result.messages, "delivered": result.delivered, "lapses": result.lapses}
        report = await deliver_pending(now_utc())
        return {"sent": report.sent, "retried": report.retried, "failed": report.failed}
    finally:
        await close_database()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None))), flush=True)
