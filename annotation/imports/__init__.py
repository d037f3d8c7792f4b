"""Import readers: turn an uploaded file into numbered rows, streaming, without trusting it.

``parsers`` reads JSON lists, JSONL and CSV; ``media`` verifies images and walks zip archives.
The write side (batches, keys, job progress) is ``annotation.services.imports``.
"""
from annotation.imports.errors import ImportFailed, RowError

__all__ = ["ImportFailed", "RowError"]
