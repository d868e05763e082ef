"""Error classes.

Every error evalnlp raises on purpose is an :class:`EvalnlpError` carrying a numbered
code: ``E1xx`` input, ``E2xx`` codebook, ``E3xx`` model, ``E4xx`` store, ``E5xx``
missing optional package. A message says what was expected, what was found and how
to fix it. Only the command line turns these into printed messages and exit codes.

Every code is listed once, with what it means, in :data:`CODES` below (the README's error table is made from
it: ``python -m evalnlp.errors``). A test checks that every code raised or recorded anywhere is listed, that
every listed code is used, and that each is raised by the class of its range. Add a code here first.
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


ERROR_CLASSES: dict[str, type[EvalnlpError]] = {
    "E1": InputError, "E2": CodebookError, "E3": ModelError, "E4": StoreError, "E5": MissingExtraError,
}

# Every error code, with what it means. Codes recorded as a reject's reason (a row, line or source evalnlp
# could not take) say so; the others are raised.
CODES: dict[str, str] = {
    "E101": 'a file given does not exist',
    "E102": 'the file type is not one evalnlp reads',
    "E103": 'the file is empty',
    "E104": 'a table has a header but no data rows',
    "E105": 'a text file holds binary content',
    "E106": 'the text cannot be decoded in any supported encoding',
    "E107": 'not a readable XLSX workbook',
    "E108": 'not a readable DOCX document',
    "E109": 'not a readable PDF',
    "E110": 'a CSV row has more fields than the header (the row is rejected)',
    "E111": 'the PDF is password-protected',
    "E112": 'malformed JSON',
    "E113": 'a JSON document holds no array of objects',
    "E114": 'no sheet of that name in the workbook',
    "E115": 'not a readable Parquet file',
    "E116": 'a JSON Lines line is not valid JSON (the line is rejected)',
    "E117": 'a JSON Lines line is not an object (the line is rejected)',
    "E118": 'a document has no text (a scan, or images only)',
    "E119": 'the first rows of a CSV cannot be parsed',
    "E120": 'export or import was given a file that is not .qdpx or .qdc',
    "E121": 'the REFI-QDA file given does not exist',
    "E122": 'a .qdpx project is not a readable zip archive',
    "E123": 'a member of a REFI-QDA archive is larger than the limits allow',
    "E124": 'a .qdpx project has no project.qde, or more than one',
    "E125": 'a REFI-QDA XML file is not well-formed',
    "E126": 'a REFI-QDA XML file has a document type declaration (refused: entity expansion)',
    "E127": 'the XML is not a REFI-QDA project or codebook',
    "E128": 'a .qdc codebook was given where a project was expected',
    "E129": '--codebook and --new-codebook were both given',
    "E130": '--unit is not one of the passage units',
    "E131": 'the text column of a table was not given and cannot be guessed',
    "E132": 'a column named in an option is not in the table',
    "E133": 'no input files were given',
    "E134": 'extract was given a table instead of a narrative document',
    "E135": 'human codes given both or neither as --labels and --labels-column',
    "E136": 'a 0/1 label column holds another value',
    "E137": 'too few coded passages to train',
    "E138": 'a prior was given for a backend that does not use one',
    "E141": "a row's text is empty or whitespace only (the row is rejected)",
    "E142": '--coder names a machine coder where a person is expected',
    "E143": 'a REFI-QDA source has no plain text (picture, audio, video): rejected',
    "E144": "a REFI-QDA source's plain-text member is missing, not UTF-8 or too large: rejected",
    "E145": "a REFI-QDA selection's positions are not inside the text: rejected",
    "E146": 'a REFI-QDA selection is given as page coordinates or media times: rejected',
    "E147": "a REFI-QDA source's text is empty: rejected",
    "E150": '--by names an attribute no document has',
    "E151": 'the claims file does not exist',
    "E152": 'the claims file is not valid YAML',
    "E153": 'the claims file has unexpected top-level keys',
    "E154": 'a claim is not a mapping with id, text and themes',
    "E155": 'two claims share an id',
    "E156": 'a claim names a theme that is not in the codebook',
    "E157": 'a claim filters on an attribute no document has',
    "E158": 'the number of quotes asked for is not a positive integer',
    "E159": "a claim's filters are not a mapping of attribute to values",
    "E160": 'a claim has an unknown key',
    "E161": "an output file's extension is not one the writer supports",
    "E162": 'the folder of an output file does not exist',
    "E163": 'a keep-names file is missing or cannot be read',
    "E164": "a keep-names list is empty, or a claims file's keep_names is not a list",
    "E165": 'discover: --by and --group not given together, or no document has that group',
    "E166": 'discover: no document answers the question given',
    "E167": 'discover: no passage is coded with the theme given',
    "E168": "discover: a parameter is out of range (e.g. --min-topic-size too large for the passages)",
    "E169": 'discover: too few passages to find topics in',
    "E170": 'narrative extraction was given something other than a text',
    "E171": 'the number of --sources files does not match the documents',
    "E172": 'a glob pattern given as FILE matches no file',
    "E173": 'a folder given as FILE holds no file evalnlp reads',
    "E174": 'two input files in one command have the same name',
    "E175": 'the store already holds a different file of the same name, read from another place',
    "E176": "a row repeats an earlier row's id and text (the row is rejected)",
    "E180": 'codes import was given a file that is not a table',
    "E181": "--coder is not a usable person's name",
    "E182": 'no coder of that name in the store',
    "E183": 'the two coders have no passage in common',
    "E184": 'no human codes in the store',
    "E185": 'agreement was asked for one coder twice, or for more than two',
    "E186": "the coders' codes use themes outside the codebook",
    "E187": '--source is not a source in the store',
    "E188": "an imported code's row matches no document in the store (the row is rejected)",
    "E190": 'a review workbook must be an .xlsx file',
    "E191": 'a review workbook was exported from another store',
    "E192": 'a review workbook was exported with another version of the codebook',
    "E193": 'a passage of a review workbook is no longer in the store',
    "E194": 'a theme cell of a review workbook holds something other than 1, 0 or nothing',
    "E195": "a 'reviewed' cell holds something other than yes/x or nothing",
    "E196": 'a reviewed row of a single-label codebook has other than one theme',
    "E197": 'a review workbook has lost required columns',
    "E198": 'a coder name has characters that are not allowed',
    "E199": 'the review strategy is not one of the known strategies',
    "E201": 'the codebook is neither a shipped codebook nor an existing file',
    "E202": 'the codebook path is a directory',
    "E203": 'the codebook file cannot be read or parsed as YAML',
    "E204": "the codebook's top level is not a mapping",
    "E205": 'a required codebook field is missing or empty',
    "E206": 'the codebook id is not valid',
    "E207": 'the codebook has no themes list',
    "E208": 'a theme entry is not a mapping',
    "E209": 'a theme id is not valid or is used twice',
    "E210": 'a theme has no label',
    "E211": 'a theme has no definition',
    "E212": "a theme's parent is not a theme of the codebook",
    "E213": 'theme parents form a cycle',
    "E214": "an item of a theme's list field is not a non-empty string",
    "E215": 'the codebook has an unknown top-level key',
    "E216": 'a theme has an unknown key',
    "E217": 'a codebook field has the wrong type',
    "E218": 'a name is the id, label or alias of two themes',
    "E219": 'a catch_all flag is not on a line of its own in its theme',
    "E220": 'a theme was asked for that is not in the codebook',
    "E221": 'labels in a file are not themes of the codebook',
    "E230": 'labels are not theme ids of the codebook',
    "E240": "a REFI-QDA project's codes do not map onto the codebook",
    "E241": "a REFI-QDA coding points at a code not in the project's codebook",
    "E242": 'a REFI-QDA codebook has no codes that can be coded',
    "E301": 'the static embedding model directory is missing',
    "E302": 'the static embedding model is incomplete',
    "E303": 'a static embedding model file fails its checksum',
    "E304": "the static embedding model's vectors have the wrong shape",
    "E305": 'an unknown embedding model was asked for',
    "E306": 'encode() was not given a sequence of strings',
    "E307": "encode()'s batch_size is not a positive integer",
    "E310": "a single-label codebook's training passage has other than one theme",
    "E311": 'too few labelled passages to train',
    "E312": 'the embedding encoder a model needs cannot be loaded',
    "E313": 'an unknown training backend was asked for',
    "E320": 'the model directory does not exist',
    "E321": 'a pickle or joblib model file was refused (it could run code)',
    "E322": "a model's card.json is missing",
    "E323": "a model's card.json is not valid",
    "E324": 'a model file does not match the checksum on its card',
    "E325": 'a model was trained on another codebook or another version of it',
    "E326": 'a model file holds types evalnlp does not trust',
    "E327": 'a model file holds something that is not an evalnlp coder',
    "E328": 'a model file is not a skops file',
    "E329": 'save_model() was given something that is not an evalnlp model',
    "E330": 'no shipped model or model directory of that name',
    "E340": 'the spaCy model for keyword lemmas is not installed',
    "E341": 'the keyword coder was used before fit()',
    "E345": 'the zero-shot coder was used before fit()',
    "E350": 'the sentiment model was used before fit()',
    "E351": 'no sentiment model in the directory given',
    "E352": 'the sentiment model directory holds another kind of model',
    "E380": 'the NER model is installed but cannot be loaded',
    "E381": 'redact_many() was given a single string',
    "E382": 'redaction was given names to keep that are not a list of strings',
    "E401": 'the store path is a directory',
    "E402": "the store's schema is newer than this evalnlp",
    "E403": 'the store cannot be opened (often: another process holds it)',
    "E404": 'no store at the path given',
    "E405": 'the folder for a new store does not exist',
    "E406": 'an unknown store table was asked for',
    "E407": 'no run of that id in the store',
    "E408": 'nothing in the store has been coded yet',
    "E409": 'EVALNLP_MEMORY_LIMIT is not a size',
    "E410": "a run's counts do not add up (read = accepted + rejected)",
    "E420": 'no passage has been coded with this codebook, so there is nothing to review',
    "E421": 'every passage already has human codes: nothing left to review',
    "E501": 'an optional package needed for a feature is not installed',
}


def error_class(code: str) -> type[EvalnlpError]:
    """The error class of ``code``'s range (E1xx InputError ... E5xx MissingExtraError)."""
    try:
        return ERROR_CLASSES[code[:2]]
    except KeyError:
        raise ValueError(f"error codes look like E101 (E1xx to E5xx); got {code!r}") from None


def make_error(code: str, message: str) -> EvalnlpError:
    """An error of the class ``code``'s range calls for; ``code`` must be in :data:`CODES`."""
    if code not in CODES:
        raise ValueError(f"unknown error code {code!r}; add it to evalnlp.errors.CODES first")
    return error_class(code)(code, message)


def markdown_table() -> str:
    """The error table of the README: code, class and meaning."""
    lines = ["| code | class | meaning |", "|---|---|---|"]
    lines += [f"| {code} | {error_class(code).__name__} | {text} |" for code, text in CODES.items()]
    return "\n".join(lines) + "\n"


def missing_extra(package: str, extra: str, feature: str) -> MissingExtraError:
    """Build the error raised when ``package`` (from the ``extra`` extra) is needed for ``feature``."""
    return MissingExtraError(
        "E501",
        f"{feature} needs the optional package {package!r}, which is not installed. "
        f'Install it with: pip install "evalnlp[{extra}]"',
    )


if __name__ == "__main__":  # python -m evalnlp.errors prints the README's table
    print(markdown_table(), end="")
