"""`evalnlp runs`: list the runs recorded in the project store."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import app, console, data_table, handle_errors, open_store, show


@app.command()
@handle_errors
def runs(
    ctx: typer.Context,
    rejects: bool = typer.Option(False, "--rejects", help="Also list the rejected rows with their reasons."),
    run: Optional[str] = typer.Option(None, "--run", help="Only this run id."),
    format: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """List the runs recorded in the store, with their counts and rejects.

    Each run's counts add up: read = accepted + rejected.
    """
    import json

    if format not in ("table", "json"):
        raise typer.BadParameter(f"must be table or json; got {format!r}", param_hint="--format")
    with open_store(ctx, read_only=True) as store:
        df = store.table("runs", run_id=run)
        rej = store.table("rejects", run_id=run) if rejects else None
    if format == "json":
        out = {"runs": json.loads(df.to_json(orient="records", date_format="iso"))}
        if rej is not None:
            out["rejects"] = json.loads(rej.to_json(orient="records"))
        console.print_json(json.dumps(out))
        return
    show(data_table(("run_id", "command", "status", "started", "read", "accepted", "rejected", "codebook"),
                    ((r.run_id, r.command, r.status, str(r.started)[:19], f"{r.n_in:,}", f"{r.n_ok:,}",
                      f"{r.n_rejected:,}", r.codebook_id if isinstance(r.codebook_id, str) else "")
                     for r in df.itertuples()), title="runs"))
    if rej is not None:
        show(data_table(("run_id", "source", "locator", "code", "reason"),
                        ((r.run_id, r.source, r.locator, r.code, r.reason) for r in rej.itertuples()),
                        title="rejects"))
