"""Training's checks on register's writes: kit that needs training is refused without it (domain.md §7)."""

from __future__ import annotations

from register.hooks import add_kit_issue_check
from training.services import kit_training_violations


def install() -> None:
    add_kit_issue_check(kit_training_violations)
