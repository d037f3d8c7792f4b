"""Images and zip archives, never trusted.

Images: Pillow opens and verifies them; only PNG, JPEG and WebP pass; a picture over
``IMAGE_MAX_PIXELS`` (a decompression bomb) is refused. They are stored content-addressed under
``MEDIA_ROOT/projects/<project>/<sha256[:2]>/<sha256>.<ext>``; the uploaded name never becomes a path.

Archives: an entry that climbs out (``..``, an absolute or drive path), a symlink, an encrypted
entry, too many entries, or too many bytes once inflated (counted while reading, headers are not
trusted) refuses the whole archive.
"""
from __future__ import annotations

import hashlib
import io
import shutil
import stat
import tempfile
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image

from annotation.imports.errors import ImportFailed

IMAGE_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp"}
DATA_SUFFIXES = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "json", ".csv": "csv"}
IMAGE_MAX_BYTES = getattr(settings, "IMPORT_IMAGE_MAX_BYTES", 100 * 1024 * 1024)
ZIP_MAX_ENTRIES = getattr(settings, "IMPORT_ZIP_MAX_ENTRIES", 100_000)
ZIP_MAX_BYTES = getattr(settings, "IMPORT_ZIP_MAX_BYTES", 20 * 1024 * 1024 * 1024)
# Inflation beyond this ratio is a bomb, once an entry has inflated past ZIP_RATIO_FLOOR bytes.
ZIP_MAX_RATIO = getattr(settings, "IMPORT_ZIP_MAX_RATIO", 200)
ZIP_RATIO_FLOOR = 16 * 1024 * 1024

Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS


class BadImage(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class StoredImage:
    media: str  # storage name under MEDIA_ROOT
    width: int
    height: int


def verify_image(path: Path) -> tuple[str, int, int]:
    """(extension, width, height) of a PNG/JPEG/WebP file, or BadImage."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                kind, (width, height) = image.format, image.size
                if kind not in IMAGE_FORMATS:
                    raise BadImage(f"{kind or 'this'} images are not accepted (PNG, JPEG or WebP)")
                if width * height > settings.IMAGE_MAX_PIXELS:
                    raise BadImage(f"{width}x{height} pixels is over the limit of {settings.IMAGE_MAX_PIXELS}")
                image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise BadImage(f"refused as a decompression bomb: {exc}") from exc
    except BadImage:
        raise
    except Exception as exc:  # Pillow raises many kinds for a broken or hostile file
        raise BadImage(f"not a readable PNG, JPEG or WebP image: {exc}") from exc
    if width < 1 or height < 1:
        raise BadImage("the image has no pixels")
    return IMAGE_FORMATS[kind], width, height


def store_image(stream: BinaryIO, *, project_id: int) -> StoredImage:
    """Copy, hash and verify an image, then store it content-addressed (once per content)."""
    tmp_dir = Path(settings.DATA_DIR) / "imports" / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    size = 0
    with tempfile.NamedTemporaryFile(dir=tmp_dir, delete=True) as tmp:
        while chunk := stream.read(1024 * 1024):
            size += len(chunk)
            if size > IMAGE_MAX_BYTES:
                raise BadImage(f"an image may be at most {IMAGE_MAX_BYTES} bytes")
            digest.update(chunk)
            tmp.write(chunk)
        tmp.flush()
        ext, width, height = verify_image(Path(tmp.name))
        sha = digest.hexdigest()
        name = f"projects/{project_id}/{sha[:2]}/{sha}.{ext}"
        if not default_storage.exists(name):
            tmp.seek(0)
            default_storage.save(name, File(tmp, name=f"{sha}.{ext}"))
    return StoredImage(name, width, height)


def safe_name(name: str) -> str:
    """The normalized archive path of an entry, or ImportFailed for one that could escape."""
    clean = name.replace("\\", "/")
    parts = PurePosixPath(clean).parts
    if (not clean or clean.startswith("/") or "\x00" in clean or ".." in parts
            or (len(clean) > 1 and clean[1] == ":")):
        raise ImportFailed(f"Refused archive: the entry {name!r} points outside the archive.")
    return "/".join(p for p in parts if p not in ("", "."))


class _Counted(io.RawIOBase):
    """Reads an archive entry and counts the bytes that really come out of it."""

    def __init__(self, raw: BinaryIO, info: zipfile.ZipInfo, budget: SafeZip):
        self._raw, self._info, self._budget, self.count = raw, info, budget, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self._raw.read(len(buffer))
        except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:  # a CRC or size that lies
            raise ImportFailed(f"Refused archive: {self._info.filename!r} is corrupt: {exc}") from exc
        n = len(data)
        buffer[:n] = data
        self.count += n
        self._budget.spend(n, self._info, self.count)
        return n

    def close(self) -> None:
        self._raw.close()
        super().close()


class SafeZip:
    """A zip archive checked as a whole before any entry is read."""

    def __init__(self, path: Path):
        try:
            self._zip = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFailed(f"Not a readable zip archive: {exc}") from exc
        infos = self._zip.infolist()
        if len(infos) > ZIP_MAX_ENTRIES:
            raise ImportFailed(f"Refused archive: {len(infos)} entries, at most {ZIP_MAX_ENTRIES}.")
        self.entries: dict[str, zipfile.ZipInfo] = {}
        declared = 0
        for info in infos:
            name = safe_name(info.filename)
            if stat.S_ISLNK(info.external_attr >> 16):
                raise ImportFailed(f"Refused archive: the entry {info.filename!r} is a symbolic link.")
            if info.flag_bits & 0x1:
                raise ImportFailed(f"Refused archive: the entry {info.filename!r} is encrypted.")
            declared += info.file_size
            if info.is_dir() or not name or _hidden(name):
                continue
            self.entries[name] = info
        if declared > ZIP_MAX_BYTES:
            raise ImportFailed(f"Refused archive: it inflates to {declared} bytes, at most {ZIP_MAX_BYTES}.")
        self.spent = 0

    def spend(self, n: int, info: zipfile.ZipInfo, entry_count: int) -> None:
        self.spent += n
        if self.spent > ZIP_MAX_BYTES:
            raise ImportFailed(f"Refused archive: it inflates past {ZIP_MAX_BYTES} bytes (a zip bomb).")
        if entry_count > ZIP_RATIO_FLOOR and entry_count > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise ImportFailed(f"Refused archive: {info.filename!r} inflates more than {ZIP_MAX_RATIO}:1 "
                               "(a zip bomb).")

    def open(self, name: str) -> io.BufferedReader:
        info = self.entries[name]
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise ImportFailed(f"Cannot read {name!r} in the archive: {exc}") from exc
        return io.BufferedReader(_Counted(raw, info, self), buffer_size=1024 * 1024)

    def names(self, suffixes: set[str] | dict[str, str]) -> list[str]:
        return sorted(n for n in self.entries if PurePosixPath(n).suffix.lower() in suffixes)

    def close(self) -> None:
        self._zip.close()


def _hidden(name: str) -> bool:
    # macOS resource forks and dot files are archive noise, not tasks.
    return name.startswith("__MACOSX/") or any(part.startswith(".") for part in name.split("/"))


def copy_stream(src: BinaryIO, dest: Path) -> None:
    with open(dest, "wb") as out:
        shutil.copyfileobj(src, out, 1024 * 1024)
