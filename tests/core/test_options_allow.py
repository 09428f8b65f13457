"""OPTIONS names every method of its path, as the 405 for a wrong method does: Litestar builds a path's OPTIONS
answer from the first handler registered on it, so a GET + PATCH path once answered `Allow: GET, OPTIONS`."""

from __future__ import annotations

import re

from litestar import Litestar
from litestar.routes import HTTPRoute

_PARAMETER = re.compile(r"\{[^}:]+:(\w+)\}")
_SAMPLE = {"int": "1", "str": "x", "path": "x", "uuid": "00000000-0000-0000-0000-000000000000", "date": "2026-01-01"}


def _concrete(path: str) -> str:
    return _PARAMETER.sub(lambda m: _SAMPLE.get(m.group(1), "x"), path)


async def test_options_lists_every_method_of_every_path(app: Litestar, client) -> None:
    checked = 0
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        answer = await client.options(_concrete(route.path))
        assert answer.status_code == 204, route.path
        assert set(answer.headers["allow"].split(", ")) == set(route.methods), route.path
        checked += 1
    assert checked > 50
