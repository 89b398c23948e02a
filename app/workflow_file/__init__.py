"""The workflow file (PRODUCT §4), YAML or JSON: a pure reader, an importer, an exporter.

`reader` checks a document and returns definitions without touching the
database; `importer` writes what it returns in one transaction; `exporter`
writes the database out as a document. The names below are the ones callers
import from `app.workflow_file`.
"""

from app.workflow_file.exporter import export_document, export_text
from app.workflow_file.importer import ImportSummary, import_file, import_text
from app.workflow_file.reader import (
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    FileContents,
    Known,
    load_text,
    read_document,
    read_file,
    read_text,
)

__all__ = [
    "FORMAT_VERSION",
    "MAX_FILE_BYTES",
    "FileContents",
    "ImportSummary",
    "Known",
    "export_document",
    "export_text",
    "import_file",
    "import_text",
    "load_text",
    "read_document",
    "read_file",
    "read_text",
]
