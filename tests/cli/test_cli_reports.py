"""csas export, csas import and csas report pack, run as a person runs them."""

from __future__ import annotations

from pathlib import Path

from register.tables import Officer
from tests.cli.test_cli import csas
from tests.factories import World
from tests.reports.reporting import pdf_text, read_sheet

FILES = Path(__file__).parent.parent / "reports" / "files"


async def test_export_then_import_round_trip(world: World, tmp_path: Path) -> None:
    target = tmp_path / "officers.xlsx"
    result = csas("export", "officers", str(target))
    assert result.returncode == 0, result.stderr
    assert "Exported 8 officers rows" in result.stdout
    assert len(read_sheet(target.read_bytes(), "xlsx")) == 8
    again = csas("import", "officers", str(target))
    assert again.returncode == 0, again.stderr
    assert "8 rows: created 0, updated 0, unchanged 8." in again.stdout


async def test_import_dry_run_and_bad_rows(world: World) -> None:
    dry = csas("import", "officers", str(FILES / "officers.csv"), "--dry-run")
    assert dry.returncode == 0 and "would create 2" in dry.stdout and await Officer.count() == 8
    bad = csas("import", "officers", str(FILES / "officers_bad_row.csv"))
    assert bad.returncode == 2 and "row 3 [started_on]" in bad.stderr and await Officer.count() == 8
    done = csas("import", "officers", str(FILES / "officers.csv"))
    assert done.returncode == 0 and "created 2" in done.stdout and await Officer.count() == 10


def test_export_needs_a_csv_or_xlsx_name(tmp_path: Path) -> None:
    result = csas("export", "officers", str(tmp_path / "officers.txt"))
    assert result.returncode == 2 and ".csv or .xlsx" in result.stderr


async def test_report_pack(world: World, tmp_path: Path) -> None:
    target = tmp_path / "pack.pdf"
    result = csas("report", "pack", str(target), "--organisation", str(world.orgs["A1"]))
    assert result.returncode == 0, result.stderr
    assert "Compliance pack: Council A1" in pdf_text(target.read_bytes())
    missing = csas("report", "pack", str(target), "--organisation", "999")
    assert missing.returncode == 2 and "999" in missing.stderr
