"""Opaque keyset cursors: a page ends at a key; the next page starts strictly after it.

A cursor is the base64url of the JSON list of the last row's sort key (integers or short strings),
so pages stay stable while rows are inserted. Anything that does not decode to the expected shape
is an InvalidCursorError (400), never a 500.
"""

import base64
import binascii
from dataclasses import dataclass
from typing import Any

import orjson

from api.exceptions import InvalidCursorError

MAX_CURSOR_CHARS = 512
Key = tuple[int | str, ...]


@dataclass(frozen=True)
class Page:
    rows: list[Any]
    end_cursor: str | None  # None on the last page


def encode_cursor(key: Key) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str | None, shape: tuple[type, ...]) -> Key | None:
    """The key in `cursor`, checked against `shape` (one type per element); None for the first page."""
    if cursor is None:
        return None
    if len(cursor) > MAX_CURSOR_CHARS:
        raise InvalidCursorError()
    try:
        key = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise InvalidCursorError() from None
    if not isinstance(key, list) or len(key) != len(shape):
        raise InvalidCursorError()
    for value, kind in zip(key, shape, strict=True):
        if type(value) is not kind:
            raise InvalidCursorError()
        if isinstance(value, int) and not -(2**63) <= value < 2**63:
            raise InvalidCursorError()
        if isinstance(value, str) and len(value) > 100:
            raise InvalidCursorError()
    return tuple(key)


def build_page(rows: list[Any], limit: int, key_of: Any) -> Page:
    """Rows fetched with `limit + 1`: the page and, when more follow, the cursor after its last row."""
    if len(rows) <= limit:
        return Page(rows, None)
    rows = rows[:limit]
    return Page(rows, encode_cursor(key_of(rows[-1])))
