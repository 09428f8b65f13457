"""Helpers for the report, export and import tests: the demo force, and reading PDFs and spreadsheets back."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from typing import Any

from core.access import Principal
from core.clock import business_today
from register import demo as register_demo
from training import demo as training_demo
from vetting import demo as vetting_demo

SYSTEM = Principal.system("test")
TODAY = business_today()


async def load_demo_force(today: dt.date = TODAY) -> register_demo.DemoRegister:
    people = await register_demo.load(SYSTEM, today)
    await register_demo.load_records(SYSTEM, people, today)
    await vetting_demo.load(SYSTEM, people, today)
    await training_demo.load(SYSTEM, people, today)
    return people


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), content[:40]
    out = subprocess.run(["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def pdf_pages(content: bytes) -> int:
    out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    return int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))


def pdf_page_size_mm(content: bytes) -> tuple[float, float]:
    out = subprocess.run(["pdfinfo", "-"], input=content, capture_output=True, check=True).stdout.decode()
    line = next(line for line in out.splitlines() if line.startswith("Page size:"))
    parts = line.split()
    return round(float(parts[2]) * 25.4 / 72, 1), round(float(parts[4]) * 25.4 / 72, 1)


def read_sheet(content: bytes, fmt: str) -> Any:
    import pandas as pd

    if fmt == "csv":
        return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    sheet = pd.read_excel(io.BytesIO(content), dtype=object, keep_default_na=False)
    # Date cells come back as midnight datetimes: compare them as the CSV writes them.
    return sheet.map(lambda v: v.date().isoformat() if isinstance(v, dt.datetime) else str(v))
