"""csas backup and csas restore round-trip the whole database, on whichever engine the suite runs on."""

from __future__ import annotations

from pathlib import Path

from register.tables import Officer
from tests.cli.test_cli import csas
from tests.factories import World


async def test_backup_then_restore_brings_everything_back(world: World, tmp_path: Path) -> None:
    backup_file = tmp_path / "register.backup"
    result = csas("backup", str(backup_file))
    assert result.returncode == 0, result.stderr
    assert backup_file.stat().st_size > 0
    before = await Officer.count()
    await Officer.delete().where(Officer.staff_number == "A1A1")
    assert await Officer.count() == before - 1

    restored = csas("restore", str(backup_file), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert await Officer.count() == before
    assert await Officer.exists().where(Officer.staff_number == "A1A1")


def test_restore_refuses_a_file_that_is_not_a_backup(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("not a database")
    result = csas("restore", str(bogus), "--yes")
    assert result.returncode == 2 and "not a" in result.stderr


def test_restore_asks_before_replacing_everything(tmp_path: Path) -> None:
    result = csas("restore", str(tmp_path / "missing.backup"), stdin="n\n")
    assert result.returncode == 1
