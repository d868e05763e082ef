"""Exchanging projects and codebooks with QDA programs (NVivo, ATLAS.ti, MAXQDA, QualCoder...) through the
REFI-QDA standard (QDA-XML 1.0, specification 1.5).

- :func:`export_qdpx` writes the store as a ``.qdpx`` project: coders as users, the codebook, documents as
  text sources with their attributes as variables (a survey answer a source of its own, a narrative file's
  paragraphs or pages one source), coded passages as text selections with their codings (see
  :mod:`evalnlp.qda._export`).
- :func:`export_qdc` writes a codebook as a ``.qdc`` file.
- :func:`read_qdpx`, :func:`plan_import` and :func:`write_plan` read a ``.qdpx`` written by any of those
  programs into the store (see :mod:`evalnlp.qda._read` and :mod:`evalnlp.qda._import`), safely
  (:mod:`evalnlp.qda._archive`).
- :func:`read_codes` and :func:`codes_to_codebook` turn a ``.qdc`` (or a project's codebook) into an evalnlp
  codebook (:mod:`evalnlp.qda._codebook`).

Error codes: E120 an export or codebook import file name that is neither .qdpx nor .qdc; E121 an import file that
does not exist; E122 an archive that cannot be read; E123 an archive past the size caps; E124 no project.qde;
E125 XML that is not well-formed; E126 XML with a document type declaration; E127 XML that is not a REFI-QDA
project or codebook; E128 a .qdc codebook given where a project is expected; E129 options that exclude each
other; E142 a bad --coder; E161 a YAML codebook to write whose name does not end in .yaml or .yml. Rejected items
(in the run's rejects): E143 a source without plain text, E144 plain text that cannot be read, E145 a selection
outside its text, E146 a selection by coordinates or time, E147 a source with empty text. Codebook errors: E240
codes that are not themes of the codebook, E241 codings of codes the file does not define, E242 a codebook file
without codable codes.
"""

from __future__ import annotations

from pathlib import Path

from evalnlp import errors
from evalnlp.qda._archive import DEFAULT_LIMITS, Limits, parse_xml, size_text
from evalnlp.qda._codebook import CodeMap, Converted, codes_to_codebook, map_codes, slug
from evalnlp.qda._export import (
    SIDECAR,
    ExportData,
    ExportSummary,
    build_project,
    codebook_xml,
    write_atomic,
    write_qdpx,
)
from evalnlp.qda._ids import code_guid, guid, norm_guid
from evalnlp.qda._import import (
    Existing,
    Parsed,
    Plan,
    Written,
    coder_override,
    existing_file,
    plan_import,
    read_qdpx,
    write_plan,
)
from evalnlp.qda._read import Code, local, read_codebook_root

__all__ = [
    "DEFAULT_LIMITS", "SIDECAR", "Code", "CodeMap", "Converted", "Existing", "ExportSummary", "Limits", "Parsed",
    "Plan", "Written", "code_guid", "codes_to_codebook", "coder_override", "existing_file", "export_qdc", "export_qdpx",
    "exported_codebook_id",
    "guid", "map_codes", "norm_guid", "plan_import", "read_codes", "read_qdpx", "slug", "write_plan",
]


def export_qdpx(store, path: Path, codebook) -> ExportSummary:
    """Write every document of ``store`` and every coder's codes for ``codebook``'s themes to ``path``."""
    tables = {name: store.table(name) for name in ("documents", "segments", "codes", "sentiment", "reach", "runs",
                                                   "sources", "segment_sources")}
    tables["letters"] = store.table("letters") if store.schema_version() >= 5 else None
    order = store.narrative_documents(texts=False)["doc_id"].tolist()  # each file's reading order, with locators
    data = ExportData(name=Path(store.path).stem, codebook=codebook, order=order, **tables)
    qde, sidecar, texts, summary = build_project(data)
    write_qdpx(Path(path), qde, sidecar, texts)
    summary.path = Path(path)
    return summary


def export_qdc(codebook, path: Path) -> Path:
    data = codebook_xml(codebook)
    write_atomic(Path(path), lambda tmp: tmp.write_bytes(data))
    return Path(path)


def exported_codebook_id(path: Path, limits: Limits = DEFAULT_LIMITS) -> str | None:
    """The id of the codebook a ``.qdc`` file holds when evalnlp wrote it (its ``origin`` names the codebook),
    else None."""
    import re
    import zipfile

    path = Path(path)
    if path.suffix.lower() == ".qdpx" or zipfile.is_zipfile(path) or path.stat().st_size > limits.max_xml:
        return None
    root = parse_xml(path.read_bytes(), path.name)
    found = re.match(r"evalnlp \S+ \(codebook ([a-z][a-z0-9_]*) ", root.get("origin") or "")
    return found.group(1) if found else None


def read_codes(path: Path, limits: Limits = DEFAULT_LIMITS) -> dict[str, Code]:
    """The codes of a ``.qdc`` codebook, or of the codebook inside a ``.qdpx`` project (a file named .qdpx, or
    any zip archive: a project renamed .qdc is read as the project it is)."""
    import zipfile

    path = Path(path)
    if path.suffix.lower() == ".qdpx" or zipfile.is_zipfile(path):  # a .qdpx that is no zip is E122, not XML
        return read_qdpx(path, limits).project.theme_codes
    size = path.stat().st_size
    if size > limits.max_xml:
        raise errors.error("E123", "codebook", file=path.name, size_text=size_text(size),
                           limit=size_text(limits.max_xml))
    root = parse_xml(path.read_bytes(), path.name)
    if local(root.tag) not in ("CodeBook", "Project"):
        raise errors.error("E127", "codebook", file=path.name, local=local(root.tag))
    return read_codebook_root(root)
