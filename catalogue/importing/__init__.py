"""Importing the county's lists from CSV/XLSX files or rows: check everything, then write all."""

from catalogue.importing.options import ImportOptions
from catalogue.importing.report import ImportReport, RowProblem
from catalogue.importing.runner import (
    KINDS,
    Kind,
    UnknownKindError,
    import_file,
    import_rows,
    import_table,
    kind_of,
    table_from_rows,
)
from catalogue.importing.tables import Table, TableReadError, read_table

__all__ = [
    "KINDS",
    "ImportOptions",
    "ImportReport",
    "Kind",
    "RowProblem",
    "Table",
    "TableReadError",
    "UnknownKindError",
    "import_file",
    "import_rows",
    "import_table",
    "kind_of",
    "read_table",
    "table_from_rows",
]
