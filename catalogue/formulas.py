"""Spreadsheet formula injection (CSV injection): exported text is never run as a formula.

OWASP's advice: a cell whose text starts with = + - @, a tab or a carriage return is opened by
Excel, WPS and LibreOffice as a formula (`=HYPERLINK(…)`, `=cmd|' /C calc'!A0`); prefixed with
a single quote it is shown as the text it is. Every CSV and XLSX the catalogue writes passes its
text cells through `neutralise`; the importer reads such a cell back with `restore`, so an
exported list imports unchanged. Numbers and dates are written as such and need no quote.
https://owasp.org/www-community/attacks/CSV_Injection
"""

from __future__ import annotations

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def neutralise(text: str) -> str:
    """`text` safe to put in a spreadsheet cell: quoted when it would start a formula."""
    return QUOTE + text if text.startswith(TRIGGERS) else text


def restore(text: str) -> str:
    """The text `neutralise` was given, from a cell it wrote (other cells are unchanged)."""
    if text.startswith(QUOTE) and text[1:].startswith(TRIGGERS):
        return text[1:]
    return text
