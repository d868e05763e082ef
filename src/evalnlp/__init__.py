"""evalnlp: turn free-text feedback and testimonials into coded themes, evidence tables and quotes."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "open", "Project"]


def open(path: str | None = None):  # noqa: A001 - mirrors the built-in on purpose: evalnlp.open(path)
    """Open (or create) a project store and return a :class:`evalnlp.api.Project`."""
    from evalnlp.api import Project

    return Project(path)


def __getattr__(name: str):
    """``evalnlp.Project`` (:class:`evalnlp.api.Project`), imported only when asked for, so that ``import
    evalnlp`` stays light."""
    if name == "Project":
        from evalnlp.api import Project

        return Project
    raise AttributeError(f"module 'evalnlp' has no attribute {name!r}")
