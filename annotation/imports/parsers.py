"""Streaming readers for JSON lists, JSONL and CSV.

Each reader takes a binary stream and yields ``(number, value)`` per record, where ``value`` is a
``Record`` or a ``RowError`` (a bad record that does not stop the file). A file that is not what
it claims raises ``ImportFailed``. Memory stays flat: nothing holds more than one record (and one
read chunk) at a time.
"""
from __future__ import annotations

import codecs
import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from annotation.imports.errors import ImportFailed, RowError

MAX_ROW_BYTES = 10 * 1024 * 1024
CHUNK = 1024 * 1024
# Columns a CSV row may carry beside its data fields (when the schema has no data field so named).
CSV_META_COLUMNS = ("id", "priority", "gold")


@dataclass(slots=True)
class Record:
    value: Any
    # The record's JSON text when it may be stored as is (a bare JSONL object without escapes).
    text: str | None = None


def _no_constants(name: str):
    raise ValueError(f"{name} is not valid JSON")


INFINITY = float("inf")


def _finite(text: str) -> float:
    value = float(text)
    if value in (INFINITY, -INFINITY):  # 1e400: JSON, but past a float, and would be written back as Infinity
        raise ValueError(f"the number {text[:40]} is out of range")
    return value


# NaN and Infinity are not JSON; PostgreSQL's jsonb refuses them, so the row is refused here, and
# so is a number that only parses as infinity: a row re-serialized from its value would carry it.
DECODER = json.JSONDecoder(parse_constant=_no_constants, parse_float=_finite)


def _loads(text: str) -> Any:
    value, end = DECODER.raw_decode(text)
    if text[end:].strip():
        raise ValueError(f"extra data after the JSON value at column {end + 1}")
    return value


def read_jsonl(stream: BinaryIO) -> Iterator[tuple[int, Record | RowError]]:
    """One JSON value per line; a blank line is skipped, a bad line is a row error."""
    number = 0
    readline, decode = stream.readline, DECODER.raw_decode
    while True:
        raw = readline(MAX_ROW_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_ROW_BYTES:
            while raw and not raw.endswith(b"\n"):  # skip the rest of the oversized line
                raw = readline(CHUNK)
            yield number, RowError("row", f"longer than {MAX_ROW_BYTES} bytes")
            continue
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            text = raw.decode()
        except UnicodeDecodeError as exc:
            yield number, RowError("row", f"not UTF-8 text: {exc.reason} at byte {exc.start}")
            continue
        text = text.strip()
        if not text:
            continue
        try:
            value, end = decode(text)  # _loads, inline: this loop is the import's hottest
            if end != len(text):
                raise ValueError(f"extra data after the JSON value at column {end + 1}")
        except ValueError as exc:
            yield number, RowError("row", f"not valid JSON: {exc}")
            continue
        # Without escapes the text cannot hide a NUL or a lone surrogate, so it can be stored as is.
        yield number, Record(value, text if "\\u" not in text else None)


def _text(stream: BinaryIO) -> io.TextIOWrapper:
    return io.TextIOWrapper(stream, encoding="utf-8-sig", errors="strict", newline="")


def read_json_list(stream: BinaryIO) -> Iterator[tuple[int, Record | RowError]]:
    """A JSON array of records, decoded element by element so a huge list never sits in memory.

    A syntax error ends the file (the rest cannot be resynchronized): ``ImportFailed``.
    """
    reader = _text(stream)
    buf, pos, eof = "", 0, False

    def more() -> bool:
        nonlocal buf, pos, eof
        if eof:
            return False
        try:
            chunk = reader.read(CHUNK)
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"The file is not UTF-8 text: {exc.reason}.") from exc
        if not chunk:
            eof = True
            return False
        buf = buf[pos:] + chunk
        pos = 0
        return True

    def skip_space() -> bool:
        nonlocal pos
        while True:
            while pos < len(buf) and buf[pos] in " \t\r\n":
                pos += 1
            if pos < len(buf):
                return True
            if not more():
                return False

    if not skip_space() or buf[pos] != "[":
        raise ImportFailed("A JSON import must be a list of tasks: the file does not start with '['.")
    pos += 1
    number = 0
    while True:
        if not skip_space():
            raise ImportFailed("The JSON list is not closed with ']'.")
        if buf[pos] == "]":
            pos += 1
            if skip_space():
                raise ImportFailed("Unexpected data after the end of the JSON list.")
            return
        if number:
            if buf[pos] != ",":
                raise ImportFailed(f"Expected ',' or ']' after task {number} of the JSON list.")
            pos += 1
            if not skip_space():
                raise ImportFailed("The JSON list is not closed with ']'.")
        while True:
            try:
                value, end = DECODER.raw_decode(buf, pos)
            except ValueError as exc:
                if len(buf) - pos > MAX_ROW_BYTES:
                    raise ImportFailed(f"Task {number + 1} of the JSON list is too long or malformed.") from exc
                if more():
                    continue
                raise ImportFailed(f"Task {number + 1} of the JSON list is not valid JSON: {exc}") from exc
            # A number may go on in the next chunk ("0" then ".5"): decide only at a delimiter.
            if ((end == len(buf) or buf[end] not in ",] \t\r\n") and len(buf) - pos <= MAX_ROW_BYTES
                    and more()):
                continue
            break
        pos = end
        number += 1
        yield number, Record(value)


def read_csv(stream: BinaryIO, *, data_fields: set[str] | frozenset[str] = frozenset()
             ) -> Iterator[tuple[int, Record | RowError]]:
    """A header row names the data fields; ``id``, ``priority`` and ``gold`` (JSON) are row
    metadata unless the schema has a data field of that name. Cells are strings."""
    csv.field_size_limit(MAX_ROW_BYTES)
    reader = csv.reader(_text(stream))
    try:
        header = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise ImportFailed(f"The CSV header cannot be read: {exc}") from exc
    if not header or not any(h.strip() for h in header):
        raise ImportFailed("A CSV import needs a header row naming the data fields.")
    header = [h.strip() for h in header]
    if len(set(header)) != len(header):
        raise ImportFailed("The CSV header names a column twice.")
    meta = {name for name in CSV_META_COLUMNS if name in header and name not in data_fields}
    number = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except UnicodeDecodeError as exc:
            raise ImportFailed(f"The file is not UTF-8 text: {exc.reason}.") from exc
        except csv.Error as exc:
            raise ImportFailed(f"CSV error near data row {number + 1}: {exc}") from exc
        number += 1
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(header):
            yield number, RowError("row", f"has {len(cells)} cells, the header has {len(header)}")
            continue
        data: dict[str, Any] = {}
        row: dict[str, Any] = {"data": data}
        for name, cell in zip(header, cells, strict=True):
            if name not in meta:
                data[name] = cell
            elif cell.strip():
                row[name] = cell.strip()
        try:
            if "priority" in row:
                row["priority"] = int(row["priority"])
        except ValueError:
            yield number, RowError("priority", "must be an integer")
            continue
        try:
            if "gold" in row:
                row["gold"] = _loads(row["gold"])
        except ValueError as exc:
            yield number, RowError("gold", f"not valid JSON: {exc}")
            continue
        yield number, Record(row)
