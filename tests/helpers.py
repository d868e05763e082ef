"""Paths and small helpers the tests import (``from helpers import CORPORA``)."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO / "corpora"


def shared_data() -> Path | None:
    """The shared data folder beside the repository (or /work/shared/data), if present."""
    for base in (REPO.parent / "shared" / "data", Path("/work/shared/data")):
        if base.is_dir():
            return base
    return None
