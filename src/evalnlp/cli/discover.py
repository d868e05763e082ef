"""`evalnlp discover`: emergent themes with BERTopic, guided by a codebook (extra `topics`)."""

from __future__ import annotations

from typing import Optional

import typer

from evalnlp.cli._app import Column, app, data_table, error, handle_errors, info, open_store, progress_bar
from evalnlp.cli._options import KeepNamesOption, RedactOption


@app.command()
@handle_errors
def discover(
    ctx: typer.Context,
    codebook: Optional[str] = typer.Option(None, "--codebook", help="impact, fft or a YAML path (default: the "
                                           "codebook the store was coded with, else impact)."),
    embedding: str = typer.Option("static", "--embedding", help="static (shipped, fast) or minilm "
                                  "(needs evalnlp\\[transformers])."),
    theme: Optional[str] = typer.Option(None, "--theme", help="Only passages coded with this theme."),
    by: Optional[str] = typer.Option(None, "--by", help="With --group: only documents whose attribute ATTR "
                                     "(a metadata column, question, source or kind) ..."),
    group: Optional[str] = typer.Option(None, "--group", help="... has this value."),
    question: Optional[str] = typer.Option(None, "--question", help="Only answers to this question."),
    min_topic_size: Optional[int] = typer.Option(None, "--min-topic-size", help="Smallest topic, in passages "
                                                 "(default: 1 in 100 passages, between 5 and 50)."),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed and passages give the same topics."),
    guided: bool = typer.Option(True, "--guided/--unguided", help="Use the codebook's keywords as seed words."),
    emergent_below: Optional[float] = typer.Option(None, "--emergent-below", min=-1.0, max=1.0, help="A topic is emergent when its "
                                                   "similarity to every theme is below this (default 0.55 with the "
                                                   "static model, 0.35 with minilm; a theme marked catch_all is "
                                                   "never a topic's nearest)."),
    redact: RedactOption = True,
    keep_names: KeepNamesOption = None,
    output: Optional[str] = typer.Option(None, "--output", "-o", help="Write .json (the topics), .html "
                                         "(BERTopic's plots, self-contained) or .md (a summary)."),
    suggest: Optional[str] = typer.Option(None, "--suggest", help="Write a draft codebook (.yaml): the codebook "
                                          "plus one theme per emergent topic, to edit; never the codebook's own file."),
) -> None:
    """Find topics in the passages with BERTopic and map each to its nearest codebook theme (extra: topics).

    Topics no theme describes well are emergent; --suggest drafts codebook themes for them. Runs offline.
    """
    from evalnlp import api

    if min_topic_size is not None and min_topic_size < 2:
        raise typer.BadParameter(f"must be an integer >= 2; got {min_topic_size}", param_hint="--min-topic-size")
    if embedding not in ("static", "minilm"):
        raise typer.BadParameter(f"must be static or minilm; got {embedding!r}", param_hint="--embedding")
    _require_extra()
    with open_store(ctx) as store, progress_bar(ctx, "finding topics"):
        found = api.discover(store, codebook=codebook, embedding=embedding, theme=theme, by=by, group=group,
                             question=question, min_topic_size=min_topic_size, seed=seed, guided=guided,
                             emergent_below=emergent_below, redact=redact, output=output, suggest=suggest,
                             keep_names=keep_names)
    render_discovery(ctx, found)


def _require_extra() -> None:
    """Say which extra to install, with its brackets intact (rich would read "[topics]" as markup)."""
    from evalnlp import api
    from evalnlp.errors import MissingExtraError

    try:
        api.require_topics_extra()
    except MissingExtraError as exc:
        error(str(exc))
        raise typer.Exit(1) from None


def render_discovery(ctx: typer.Context, found) -> None:
    """The topic table: size, label, keywords, nearest theme, similarity, emergent."""
    from rich.text import Text

    t = found.topics
    title = (f"{len(t)} topics in {found.n_passages:,} passages ({found.n_outliers:,} in no topic), codebook "
             f"{found.codebook_id}, embedding {found.embedding}, seed {found.seed}")
    columns = [Column(col, justify=justify, overflow="fold") for col, justify in (
        ("topic", "right"), ("size", "right"), ("label", "left"), ("keywords", "left"), ("nearest theme", "left"),
        ("similarity", "right"), ("emergent", "left"))]
    rows = []
    for r in t.itertuples(index=False):
        sim = "" if r.similarity != r.similarity else f"{r.similarity:.2f}"
        rows.append((str(r.topic), f"{r.size:,}", r.label, ", ".join(r.keywords[:6]), r.theme or "", sim,
                     Text("yes", style="bold") if r.emergent else "no"))
    table = data_table(columns, rows, title=title)
    info(ctx, table)
    n_emergent = int(t["emergent"].sum()) if len(t) else 0
    info(ctx, f"{n_emergent} emergent topic(s): similarity to every theme (a catch-all aside) below "
              f"{found.emergent_below:.2f}")
    for path in found.outputs:
        info(ctx, f"wrote {path}")
