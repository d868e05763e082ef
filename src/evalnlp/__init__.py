"""evalnlp: turn free-text feedback and testimonials into coded themes, evidence tables and quotes."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "open", "Project", "EvalnlpWarning"]


def open(path: str | None = None):  # noqa: A001 - mirrors the built-in on purpose: evalnlp.open(path)
    """Open (or create) a project store and return a :class:`evalnlp.api.Project`; close it when done, or use it in
    a ``with`` block, which closes it.

    >>> import evalnlp
    >>> with evalnlp.open("evalnlp.duckdb") as project:                     # doctest: +SKIP
    ...     project.documents().head()
    """
    from evalnlp.api import Project

    return Project(path)


#: The modules a notebook may reach as attributes of the package (``evalnlp.codebook.load_codebook``).
_MODULES = frozenset({"api", "codebook", "corpus", "evaluation", "evidence", "quotes", "redact", "store", "errors",
                      "coding", "ingest", "reports", "discovery", "qda", "review", "embeddings", "columns", "util"})


def __getattr__(name: str):
    """``evalnlp.Project`` (:class:`evalnlp.api.Project`), ``evalnlp.EvalnlpWarning`` and the package's modules
    (``evalnlp.codebook``),
    imported only when asked for, so that ``import evalnlp`` stays light."""
    if name == "Project":
        from evalnlp.api import Project

        return Project
    if name == "EvalnlpWarning":  # what the API issues for each note of a command's result
        from evalnlp.errors import EvalnlpWarning

        return EvalnlpWarning
    if name in _MODULES:
        import importlib

        return importlib.import_module(f"evalnlp.{name}")
    raise AttributeError(f"module 'evalnlp' has no attribute {name!r}")
