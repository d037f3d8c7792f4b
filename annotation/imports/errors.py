from __future__ import annotations


class ImportFailed(Exception):
    """The file as a whole cannot be imported (not the format it claims, unsafe archive, ...).

    The job fails with this message; batches already committed stay (their keys make a retry safe).
    """


class RowError(Exception):
    """One row is bad: reported with its row number and field path, the other rows go on."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
