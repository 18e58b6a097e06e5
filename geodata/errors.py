"""The error every reader, converter and validator of input data raises, with its French message.

A :class:`DataValidationError` says where the problem is and what was expected, in French, and
keeps the parts apart (``file``, ``line``, ``column``, ``value``, ``expected``) so that an
interface can lay them out. :func:`located` builds one from those parts; values are quoted
safely: control characters are shown escaped and long values are cut.
"""

from __future__ import annotations

MAX_VALUE_CHARS = 60


class DataValidationError(ValueError):
    """Input data that does not match what the product reads; the message is in French.

    Parameters
    ----------
    message : str
        The full French message.
    file, column, expected : str, optional
        File name, column name and what was expected, as quoted in the message.
    line : int, optional
        Line of the file (1 is the header of a CSV file).
    value : str, optional
        The offending value, as quoted in the message.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        expected: str | None = None,
    ) -> None:
        super().__init__(message)
        self.file = file
        self.line = line
        self.column = column
        self.value = value
        self.expected = expected


def quote_value(value: object) -> str:
    """Text of ``value`` safe to show: control characters escaped, at most 60 characters."""
    if value is None:
        return ""
    text = str(value)
    shown = "".join(
        ch if ch.isprintable() or ch == " " else ch.encode("unicode_escape").decode("ascii")
        for ch in text
    )
    if len(shown) > MAX_VALUE_CHARS:
        shown = shown[: MAX_VALUE_CHARS - 1] + "…"
    return shown


def where(
    file: str | None,
    line: int | None = None,
    column: str | None = None,
    value: object = None,
    *,
    with_value: bool = True,
) -> str:
    """« fichier « f », ligne 3, colonne « c », valeur « v » » with the parts that are known."""
    parts = []
    if file:
        parts.append(f"fichier « {file} »")
    if line is not None:
        parts.append(f"ligne {line}")
    if column is not None:
        parts.append(f"colonne « {column} »")
    if with_value and column is not None:
        parts.append(f"valeur « {quote_value(value)} »")
    return ", ".join(parts)


def located(
    expected: str,
    *,
    file: str | None,
    line: int | None = None,
    column: str | None = None,
    value: object = None,
    problem: str | None = None,
    with_value: bool = True,
) -> DataValidationError:
    """Build the error « <where> : <problem>, attendu <expected>. ».

    Parameters
    ----------
    expected : str
        What was expected, in French, without the word « attendu ».
    file, line, column, value
        Where the problem is; the value is quoted safely (:func:`quote_value`).
    problem : str, optional
        What is wrong, when the expectation alone does not say it (« ligne tronquée »…).
    with_value : bool, default True
        Quote the value (even empty) when a column is named.
    """
    head = where(file, line, column, value, with_value=with_value)
    body = f"{problem}, attendu {expected}" if problem else f"attendu {expected}"
    message = f"{head} : {body}." if head else f"{body[0].upper()}{body[1:]}."
    return DataValidationError(
        message,
        file=file,
        line=line,
        column=column,
        value=quote_value(value) if column is not None and with_value else None,
        expected=expected,
    )
