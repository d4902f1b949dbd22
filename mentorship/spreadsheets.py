"""Cells that a spreadsheet would run as a formula (CSV injection), said once for every import and
export: an import refuses such a cell, an export neutralises it."""

# A spreadsheet runs a cell that starts with one of these as a formula when the file is opened.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: str) -> bool:
    """Also with whitespace before the prefix: spreadsheets skip leading spaces, so " =1+1" runs too."""
    return value.startswith(FORMULA_PREFIXES) or value.lstrip().startswith(FORMULA_PREFIXES)


def formula_char(value: str) -> str:
    """The character that makes `value` a formula, named when it is invisible."""
    char = value[:1] if value.startswith(FORMULA_PREFIXES) else value.lstrip()[:1]
    return {"\t": "tab", "\r": "carriage return"}.get(char, char)


def neutralised(value: str) -> str:
    """`value` as a spreadsheet shows it as text: a leading apostrophe before a formula."""
    return "'" + value if looks_like_formula(value) else value
