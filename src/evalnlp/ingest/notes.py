"""What an ingest tells its user besides its counts: the notes of an :class:`IngestResult`, made from what each
file's :class:`FileReport` recorded, in the words and order the command line prints them (``ingest``,
``classify FILE`` and ``codes import`` print these same notes; the Python API issues them as warnings)."""

from __future__ import annotations

from pathlib import Path

from evalnlp.errors import Note


def ingest_notes(result, command: str = "ingest") -> list[Note]:
    """The notes of ``result`` (an :class:`evalnlp.ingest.IngestResult`), in the order the command line prints
    them between its table and its counts. ``command`` is the command that read the files: ``codes import``
    says otherwise what to do about rows another source already holds."""
    notes: list[Note] = []

    def info(text: str) -> None:
        notes.append(Note(text, "info"))

    def warn(text: str) -> None:
        notes.append(Note(text, "warning"))

    def note(text: str) -> None:
        notes.append(Note(text, "note"))

    tables = any(f.columns for f in result.files)
    for f in result.files:
        if f.renamed:
            info(f"{f.source}: a repeated column name or key, so nothing is lost: "
                 + "; ".join(f"the next {header!r} is read as {name!r}" for header, name in f.renamed)
                 + " (--text, --id and --meta take those names, and output files use them)")
        if f.tidied:
            info(f"{f.source}: " + "; ".join(
                f"the column without a header is read as {name!r}" if not header.strip()
                else f"the header {header!r} is read as {name!r}, without the spaces around it"
                for header, name in f.tidied) + " (--text, --id and --meta take those names, and output files use them)")
        if f.uncalculated:
            one = f.uncalculated == 1
            info(f"{f.source}: {f.uncalculated:,} formula cell{'' if one else 's'} of the sheet "
                 f"{'holds' if one else 'hold'} no computed value (the workbook was written by a program and "
                 f"never calculated), so {'it reads' if one else 'they read'} as empty (an answer among them is rejected as empty); open and save the "
                 "workbook in Excel or LibreOffice, then read it again")
        if f.ignored:
            why = ("a narrative file is read by its paragraphs" if not f.columns  # (a table always has columns)
                   else f"a {f.format.upper()} file has no sheets")
            told = (f"{f.source}: {', '.join(f.ignored)} {'does' if len(f.ignored) == 1 else 'do'} not apply "
                    f"({why}), so {'it was' if len(f.ignored) == 1 else 'they were'} not used for this file")
            if not f.columns and "--text" in f.ignored and tables:
                # a README or notes file beside the exports: its paragraphs are now coded with the answers
                warn(f"{told}; its {_count(f.n_ok, 'paragraph')} {'is' if f.n_ok == 1 else 'are'} stored "
                     "as documents beside the tables' answers, coded and counted with them. If it is not "
                     "evidence, leave it out (name the tables, or a pattern such as *.csv)")
            else:
                info(told)
        if f.lacking_meta:
            names = ", ".join(repr(c) for c in f.lacking_meta)
            warn(f"{f.source}: no column {names} (--meta), which other files of this command have: its "
                 "documents were read without it, so they count under '(missing)' when evidence groups by it")
        if f.no_rows:
            warn(f"{f.no_rows.rstrip('.')}. Nothing was read from it; the other files were read")
        if f.same_as:
            info(f"{f.file_name}: exactly the contents of {f.same_as!r}, which the store read before: a "
                 f"copy, so its rows are read as that file's ({f.source}) and add nothing new")
        if f.replaced:
            _replaced(f, info, warn, note)
        if f.n_elsewhere >= max(2, f.n_new / 2) and command == "codes import":  # a coded copy of a file read
            first = f.elsewhere[0]
            option = f"--source '{first}'" if any(c in first for c in " '\"") else f"--source {first}"
            warn(f"{f.source}: {f.n_elsewhere:,} of its {f.n_new:,} new rows have the locator and text of "
                 f"rows the store already holds from {', '.join(repr(s) for s in f.elsewhere)}: each of "
                 "those answers is now stored twice, and evidence counts both. If the file is a coder's copy "
                 f"of {first!r}, its codes belong on those answers: import it with {option} (into a store "
                 "without this import, --db, as the answers it stored stay)")
        elif f.n_elsewhere >= max(2, f.n_new / 2):  # the same rows sent again, in a file of another name or format
            warn(f"{f.source}: {f.n_elsewhere:,} of its {f.n_new:,} new rows have the locator and text of "
                 f"rows the store already holds from {', '.join(repr(s) for s in f.elsewhere)}: if this is "
                 "the same data sent again, each of those answers is now stored twice and evidence counts "
                 "both (read it into a new store without the earlier file, --db, to count each once)")
        if f.repeats is not None and f.repeats[1] >= max(3, f.repeats[2] / 2):  # the same report again
            other, n, total = f.repeats
            warn(f"{f.source}: {n:,} of its {total:,} sentences are word for word in {other!r}, which the "
                 "store holds too: if it is the same report in another format (or a draft of it), its "
                 "passages, testimonials and reach figures are now stored twice, and evidence and claims "
                 "count both. Read only one of them (into a new store, --db, as both stay in this one)")
        if f.n_edited:
            warn(f"{f.source}: {_count(f.n_edited, 'answer')} at an id the store already holds with other "
                 "text (edited since the earlier export): the store keeps both, and evidence counts both; "
                 "read the newer export again with --replace to keep only its answers (the codes and review "
                 "decisions of the answers it still has stay)")
        if f.n_gone:
            warn(f"{f.source}: {_count(f.n_gone, 'answer')} the store holds from an earlier export of this file "
                 f"{'is' if f.n_gone == 1 else 'are'} not among this one's answers (removed since, or rejected "
                 "now, as an empty answer or a placeholder such as 'N/A' is: see `evalnlp runs --rejects`): the "
                 "store keeps them, and evidence counts them; read the newer export again with "
                 "--replace to count only its answers")
        if f.meta_changed:
            shown = "; ".join(f"{col!r} on {_count(n, 'answer')}" for col, n in f.meta_changed.items())
            warn(f"{f.source}: the store keeps the values it read first, not this export's, where they differ: "
                 f"{shown} (evidence --by groups them as first read; classify --output writes this file's); "
                 "read it again with --replace to take this export's values")
        if f.meta_unset:
            shown = "; ".join(f"{col!r} for {_count(n, 'answer')}" for col, n in f.meta_unset.items())
            info(f"{f.source}: answers read before keep the values they were stored with, so a column that "
                 f"this export has and the earlier one had not is not stored for them: {shown} (read it "
                 "again with --replace to take this export's values)")
        if f.n_moved >= max(2, f.n_new / 2) and f.moved_with_id:  # an earlier read knew the rows otherwise
            warn(f"{f.source}: {f.n_moved:,} of its {f.n_new:,} new rows repeat answers the store already "
                 "holds from an earlier read of this file under other locators (without --id, or with "
                 "another id column): they are stored again under their ids, and evidence counts both. Read "
                 "a file the same way each time; to change how its rows are known, read it again with "
                 "--replace (the answers stored the other way are removed, with their codes)")
        elif f.n_moved >= max(2, f.n_new / 2):  # most new rows are old answers at new places: rows that moved
            warn(f"{f.source}: {f.n_moved:,} of its {f.n_new:,} new rows repeat answers the store already "
                 "holds from an earlier read of this file, at other rows: without --id a row is known by its "
                 "place, so rows added or removed above others store those again (and evidence counts both); "
                 "give --id COL for a file that changes between exports, or read it again with --replace to "
                 "keep only this export's rows (the codes of the rows at their old places go with them)")
    for name in result.unread:
        info(f"left out {name}: evalnlp does not read {Path(name).suffix or 'files without an extension'} "
             "files (CSV, TSV, XLSX, JSON, JSONL, Parquet, TXT, MD, DOCX and PDF; save or unpack it as one "
             "of those to read it)")
    for name in result.skipped:
        info(f"left out {name}: a lock file, which Excel and Word write beside a document while it is open "
             "(a document with changes not yet saved is read as last saved)")
    unread = unread_parts_grouped([(f.source, f.unread_parts) for f in result.files])
    said: set[str] = set()
    for f in result.files:
        if f.merged:
            shown = ", ".join(f.merged[:5]) + (f" and {len(f.merged) - 5} more" if len(f.merged) > 5 else "")
            info(f"{f.source}: {len(f.merged)} merged cell{'s span' if len(f.merged) != 1 else ' spans'} several "
                 f"rows ({shown}): Excel shows the value on each row, but the file holds it in the first row "
                 "only, so the rows under it have none (unmerge and fill down in Excel to give each row its value)")
        if f.title:
            lines = f.title.count(" / ") + 1
            info(f"{f.source}: the first {'row' if lines == 1 else f'{lines} rows'}, {f.title!r}, "
                 f"{'is' if lines == 1 else 'are'} read as the sheet's title, and row {f.header_row} as the "
                 "column names")
        if f.n_in and not f.n_ok:
            note(f"{f.source}: every one of its {f.n_in:,} rows was rejected, so nothing from it is stored or "
                 "coded; `evalnlp runs --rejects` says why (one cause for all of them, such as a delimiter at "
                 "the end of every row, is a fault of the export)")
        if f.other_members:
            info(f"{f.source}: the members of its top-level object beside the array of rows are not read: "
                 f"{', '.join(repr(m) for m in f.other_members)} (--meta reads the rows' own keys: add them "
                 "to each row to keep them with the answers)")
        if f.other_unit[0]:
            n, unit = f.other_unit
            now = "sentence" if unit == "response" else "response"
            info(f"{f.source}: {n:,} of its answers were stored before, split into "
                 f"{'whole answers' if unit == 'response' else 'sentences'}, and stay so: --unit {now} "
                 "applies to answers read for the first time (read the file into a new store, --db, to "
                 f"code its {'sentences' if now == 'sentence' else 'whole answers'})")
        if f.source in unread and unread[f.source] not in said:
            warn(unread[f.source])
            said.add(unread[f.source])
        if f.evalnlp_output:
            warn(f"{f.source}: its columns (source, locator, themes, score_...) are those of a file evalnlp "
                 "wrote (classify --output): its answers are stored again beside the export it was made "
                 "from, if that was read into this store, and evidence counts them twice; read the original "
                 "export instead (a folder or pattern of exports should not hold the output files)")
        if f.hidden_sheet:
            info(f"{f.source}: the sheet read (the workbook's first) is hidden in Excel; its other sheets "
                 f"are {', '.join(repr(n) for n in f.other_sheets) or 'empty'} (--sheet NAME reads another)")
        if f.other_sheets:
            more = len(f.other_sheets)
            info(f"{f.source}: the workbook has {more} other sheet{'' if more == 1 else 's'} with values, "
                 f"not read: {', '.join(repr(n) for n in f.other_sheets)} (--sheet NAME reads one sheet; "
                 "read the file once per sheet to take them all)")
    return notes


def _replaced(f, info, warn, note) -> None:
    """What --replace did to one file's source: removed, kept and added, the --meta values taken, the human codes
    dropped; or why nothing was replaced."""
    if f.replace_kept_all:
        warn(f"{f.source}: --replace: the file gave no {'answer' if f.columns else 'document'}, so nothing "
             f"was replaced: the store keeps the {_count(f.replace_kept_all, 'document')} of the earlier "
             "export (an export that failed is likelier than one whose every answer was withdrawn: check the "
             "file and read it again)")
        return
    if f.replace_first:
        if not f.no_rows:
            note(f"{f.source}: --replace: the store held nothing of this file before, so it was read as a "
                 "first read (nothing to replace)")
        return
    meta = "; ".join(f"{col!r} on {_count(n, 'document')}" for col, n in f.meta_replaced.items())
    info(f"{f.source}: replaced the earlier export: {_count(f.n_removed, 'document')} removed, "
         f"{f.n_kept:,} kept, {f.n_new:,} added; "
         + (f"--meta values taken from this export: {meta}" if meta else "no --meta value changed"))
    if f.human_dropped:
        who = ", ".join(f"{coder}'s on {_count(k, 'passage')}" for coder, k in f.human_dropped.items())
        warn(f"{f.source}: --drop-human-codes: human codes were removed with the documents this export no "
             f"longer has: {who}")


def _count(n: int, word: str) -> str:
    """``1 document``, ``2,000 documents``."""
    return f"{n:,} {word}" + ("" if n == 1 else "s")


def unread_parts_said(source: str, parts: dict[str, int], each: bool = False) -> str:
    """What to tell of a Word document's text outside its body's paragraphs and tables, which is not read (a
    warning: its words reach no passage, quote or count). ``source`` may name several documents (``each``)."""
    shown = ", ".join(f"{n} {kind}{'es' if kind.endswith('x') and n != 1 else 's' if n != 1 else ''}"
                      for kind, n in parts.items())
    return (f"{source}: not read: {shown}{' each' if each else ''} (evalnlp reads a Word document's body, its "
            "paragraphs and tables; copy what they hold into the body to read it)")


def unread_parts_grouped(found: list[tuple[str, dict[str, int]]]) -> dict[str, str]:
    """The warning of each document of ``found`` (source, unread parts) that has parts not read, by source: the
    documents that leave out the same parts (a folder of letters, each with its letterhead in the page header)
    share one warning, which names them all, so that it is given once."""
    groups: dict[tuple[tuple[str, int], ...], list[str]] = {}
    for source, parts in found:
        if parts:
            groups.setdefault(tuple(parts.items()), []).append(source)
    out: dict[str, str] = {}
    for key, sources in groups.items():
        if len(sources) == 1:
            said = unread_parts_said(sources[0], dict(key))
        else:
            shown = ", ".join(sources[:5]) + (f" and {len(sources) - 5} more" if len(sources) > 5 else "")
            said = unread_parts_said(f"{len(sources)} documents ({shown})", dict(key), each=True)
        out.update(dict.fromkeys(sources, said))
    return out
