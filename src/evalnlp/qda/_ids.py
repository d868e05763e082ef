"""GUIDs: derived from the store's own ids, so the same store always gives the same file.

Every object evalnlp writes into a REFI-QDA file gets a name-based (version 5) UUID from a fixed namespace and
a stable key: a theme from its codebook and theme ids, a document from its content-hash ``doc_id``, a selection
from its ``seg_id``, a coding from segment, theme and coder. Reading, GUIDs are compared after
:func:`norm_guid`, since the schema allows upper or lower case, with or without braces.
"""

from __future__ import annotations

import re
import uuid

#: The namespace of every GUID evalnlp derives (fixed forever: changing it would change every exported GUID).
NAMESPACE = uuid.UUID("a57de0a6-cea9-4937-b655-e97bc635f60c")

_GUID_RE = re.compile(r"\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?\Z")


def guid(kind: str, *parts: str) -> str:
    """The GUID of the ``kind`` object keyed by ``parts`` (lowercase, no braces)."""
    return str(uuid.uuid5(NAMESPACE, "\x1f".join((kind, *map(str, parts)))))


def code_guid(codebook_id: str, theme_id: str) -> str:
    return guid("code", codebook_id, theme_id)


def norm_guid(value: str | None) -> str | None:
    """A GUID as written by any tool (``{ABC...}``, ``abc...``) in one form, or None if it is not a GUID."""
    if value is None:
        return None
    match = _GUID_RE.match(value.strip())
    return match.group(1).lower() if match else None
