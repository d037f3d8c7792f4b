"""A zip archive written as a stream of byte chunks, in constant memory.

``zipfile`` writes to any object with ``write``; one without ``tell``/``seek`` makes it put each
entry's sizes and CRC in a data descriptor after the entry instead of seeking back to its header.
So the archive goes out chunk by chunk: whatever ``zipfile`` wrote since the last chunk is yielded
and dropped, and at most one piece of one entry is held at a time (plus the central directory,
a few dozen bytes per entry, which ``zipfile`` keeps until the end).
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

FILE_CHUNK = 1024 * 1024
# Fixed timestamps keep the bytes of a release's export the same from one download to the next.
DEFAULT_DATE = (1980, 1, 1, 0, 0, 0)


class _Sink:
    """An unseekable writable: collects what zipfile writes until the generator takes it."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []

    def write(self, data) -> int:
        self._parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self._parts)
        self._parts.clear()
        return data


@dataclass(frozen=True)
class ZipEntry:
    name: str
    chunks: Iterable[bytes]
    # Already compressed content (images) is stored as is: deflating a JPEG only costs CPU.
    compress: bool = True
    # Known size (a file on disk); None for generated text, which must stay under 2 GiB.
    size: int | None = None


def file_chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as stream:
        while chunk := stream.read(FILE_CHUNK):
            yield chunk


def stream_zip(entries: Iterable[ZipEntry], *, date_time: tuple = DEFAULT_DATE) -> Iterator[bytes]:
    """Yield the bytes of a zip archive holding ``entries`` (written in order, each streamed)."""
    sink = _Sink()
    with zipfile.ZipFile(sink, "w") as archive:
        for entry in entries:
            info = zipfile.ZipInfo(entry.name, date_time=date_time)
            info.compress_type = zipfile.ZIP_DEFLATED if entry.compress else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            if entry.size is not None:
                info.file_size = entry.size
            with archive.open(info, "w", force_zip64=entry.size is not None and entry.size >= zipfile.ZIP64_LIMIT
                              ) as out:
                for chunk in entry.chunks:
                    out.write(chunk)
                    if data := sink.take():
                        yield data
            if data := sink.take():
                yield data
    if data := sink.take():
        yield data


def text_entry(name: str, lines: Iterable[str]) -> ZipEntry:
    """An entry made of text pieces, encoded as UTF-8 as they come."""
    return ZipEntry(name, (line.encode() for line in lines))


def batched_text(pieces: Iterable[str], size: int = 64 * 1024) -> Iterator[bytes]:
    """Join small text pieces into chunks of about ``size`` bytes (fewer, larger writes)."""
    buffer: list[str] = []
    length = 0
    for piece in pieces:
        buffer.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(buffer).encode()
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer).encode()
