"""`evalnlp runs`: list the runs recorded in the project store."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Column, app, console, data_table, handle_errors, open_store, show, stdout_is_unicode
from evalnlp.cli._options import FormatOption, OutputFormat

#: The store's words for a run's counts, used alike by this table, `runs --format json` and the Python API.
COUNTS = ("n_in: rows or passages read; n_ok: accepted (duplicates included); n_rejected: rejected, each with its "
          "reason (--rejects); n_in = n_ok + n_rejected")


#: What the matching column says.
MATCHING = ("matching: the version of the keyword matching rules a classify run coded with (none: its coder matches "
            "no keywords; unrecorded: a run made before the version was recorded)")


def _matching(command: str, versions) -> str:
    """The matching column of a run: the version its versions record, else what can be said of it."""
    if isinstance(versions, dict) and "keyword_matching" in versions:
        found = versions["keyword_matching"]
        return "none" if found is None else str(found)
    return "unrecorded" if command == "classify" else ""


@app.command()
@handle_errors
def runs(
    ctx: typer.Context,
    rejects: bool = typer.Option(False, "--rejects", help="Also list the rejected rows with their reasons."),
    run: Optional[str] = typer.Option(None, "--run", help="Only this run id."),
    format: FormatOption = OutputFormat.table,
) -> None:
    """List the runs recorded in the store, with their counts and rejects.

    Each run's counts add up: n_in (rows or passages read) = n_ok (accepted) + n_rejected.
    """
    import json

    from evalnlp import api

    with open_store(ctx, read_only=True) as store:
        df = api.runs(store, run)
        rej = api.rejects(store, run) if rejects else None
    if format == "json":
        out = {"runs": json.loads(df.to_json(orient="records", date_format="iso"))}
        for r in out["runs"]:  # stored as JSON text: objects in the JSON, not strings to parse again
            for key in ("args", "versions"):
                if isinstance(r.get(key), str):
                    try:
                        r[key] = json.loads(r[key])
                    except ValueError:
                        pass
        if rej is not None:
            out["rejects"] = json.loads(rej.to_json(orient="records"))
        console.print_json(json.dumps(out), ensure_ascii=not stdout_is_unicode())
        return
    counts = [Column(c, justify="right") for c in ("n_in", "n_ok", "n_rejected")]
    show(data_table(("run_id", "command", "status", "started", *counts, "codebook", "matching"),
                    ((r.run_id, r.command, r.status, str(r.started)[:19], f"{r.n_in:,}", f"{r.n_ok:,}",
                      f"{r.n_rejected:,}", r.codebook_id if isinstance(r.codebook_id, str) else "",
                      _matching(r.command, r.versions))
                     for r in df.itertuples()), title="runs", caption=f"{COUNTS}\n{MATCHING}",
                    caption_justify="left"))
    if rej is not None and rej.empty:
        show("no rejected rows" + (" in this run" if run else ": every row read was accepted"))
    elif rej is not None:
        show(data_table(("run_id", "source", "locator", "code", "reason"),
                        ((r.run_id, r.source, r.locator, r.code, r.reason) for r in rej.itertuples()),
                        title="rejects"))
