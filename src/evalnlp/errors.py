"""Error classes.

Every error evalnlp raises on purpose is an :class:`EvalnlpError` carrying a numbered
code: ``E1xx`` input, ``E2xx`` codebook, ``E3xx`` model, ``E4xx`` store, ``E5xx``
missing optional package. A message says what was expected, what was found and how
to fix it. Only the command line turns these into printed messages and exit codes.

Blocks taken by one module (grep before adding a code): E120-E129, E142-E147 and E240-E242 are the
REFI-QDA project exchange (:mod:`evalnlp.qda`).
"""

from __future__ import annotations


class EvalnlpError(Exception):
    """Base class: ``code`` is a string such as ``"E101"``."""

    prefix = "E0"

    def __init__(self, code: str, message: str):
        if not code.startswith(self.prefix):
            raise ValueError(f"{type(self).__name__} codes start with {self.prefix!r}; got {code!r}")
        self.code = code
        self.message = message
        super().__init__(f"[{code}] {message}")


class InputError(EvalnlpError):
    """A file or value given by the user cannot be read or used (E1xx)."""

    prefix = "E1"


class CodebookError(EvalnlpError):
    """A codebook is missing, malformed or inconsistent (E2xx)."""

    prefix = "E2"


class ModelError(EvalnlpError):
    """A model cannot be trained, loaded or trusted (E3xx)."""

    prefix = "E3"


class StoreError(EvalnlpError):
    """The project store cannot be opened, migrated or written (E4xx)."""

    prefix = "E4"


class MissingExtraError(EvalnlpError):
    """An optional package is not installed (E5xx)."""

    prefix = "E5"


def missing_extra(package: str, extra: str, feature: str) -> MissingExtraError:
    """Build the error raised when ``package`` (from the ``extra`` extra) is needed for ``feature``."""
    return MissingExtraError(
        "E501",
        f"{feature} needs the optional package {package!r}, which is not installed. "
        f'Install it with: pip install "evalnlp[{extra}]"',
    )
