"""Where the build scripts find the data they train on: the shared data folder beside the repository
(``../shared/data``) or ``/work/shared/data``; files shipped in ``corpora/`` come first where a script allows."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
BASES = (REPO_ROOT.parent / "shared" / "data", Path("/work/shared/data"))


def shared_file(name: str | Path, flag: str, *, shipped: Path | None = None) -> Path:
    """The data file ``name`` (relative to the shared data folder), or ``shipped`` when that exists; exits
    with a message naming ``flag`` (the option that takes the path, if it starts with --) when neither is there."""
    candidates = ([shipped] if shipped is not None else []) + [base / name for base in BASES]
    for path in candidates:
        if path.is_file():
            return path
    hint = f"; pass {flag} PATH" if flag.startswith("--") else ""
    raise SystemExit(f"cannot find {name} under ../shared/data or /work/shared/data{hint}")
