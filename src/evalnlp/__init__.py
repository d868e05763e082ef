"""evalnlp: turn free-text feedback and testimonials into coded themes, evidence tables and quotes."""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__", "open"]


def open(path: str | None = None):  # noqa: A001 - mirrors the built-in on purpose: evalnlp.open(path)
    """Open (or create) a project store and return a :class:`evalnlp.api.Project`."""
    from evalnlp.api import Project

    return Project(path)
