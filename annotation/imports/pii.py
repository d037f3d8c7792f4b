"""Personal data in imported text: find it, and mask it without moving any offset.

Four kinds are recognised, each checked beyond its shape so that ordinary numbers are not flagged:

* ``cn_id`` — a resident identity number (GB 11643-1999): 17 digits and a check character
  (``0-9`` or ``X``) that must match the ISO 7064 MOD 11-2 checksum, with a real birth date
  (YYYYMMDD, from 1900 up to today) in digits 7-14;
* ``mobile`` — a mainland mobile number ``1[3-9]x xxxx xxxx``, optionally after ``+86``/``86`` and
  with the 3-4-4 groups separated by a space or a dash;
* ``email`` — an address with a dotted domain and a letter TLD;
* ``bank_card`` — 16 to 19 digits (optionally in groups of four) starting 3-6 (the card schemes)
  that pass the Luhn check.

A match never starts or ends inside a longer run of letters or digits, so a 30-digit order number
or a hash never yields a "mobile number" from its middle. Offsets are Python string indices
(code points), the same as span labels use.
"""
from __future__ import annotations

import datetime
import re
from typing import Any

KINDS = ("cn_id", "mobile", "email", "bank_card")
MASK = "*"

# Only ASCII letters and digits count as "the same token": Chinese text runs straight into numbers.
_EDGE_BEFORE = r"(?<![0-9A-Za-z])"
_EDGE_AFTER = r"(?![0-9A-Za-z])"

_CN_ID = re.compile(_EDGE_BEFORE + r"(\d{6})(\d{8})(\d{3})([0-9Xx])" + _EDGE_AFTER)
_MOBILE = re.compile(r"(?<![0-9A-Za-z+])(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}" + _EDGE_AFTER)
_EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}@"
                    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}"
                    r"(?![A-Za-z0-9-])")
# Either one run of 16-19 digits, or four-digit groups joined by the same separator.
_BANK_CARD = re.compile(_EDGE_BEFORE + r"(?:[3-6]\d{15,18}|[3-6]\d{3}(?P<sep>[- ])\d{4}(?:(?P=sep)\d{4}){2}"
                        r"(?:(?P=sep)\d{1,3})?)" + _EDGE_AFTER)

# Every kind needs an "@" or eleven characters of digits, spaces and dashes from a digit to a
# digit: most text has neither, and one scan for that costs a fraction of the four patterns.
_CANDIDATE = re.compile(r"\d[\d -]{9}\d")
# ASCII text is first tested in one C pass over its bytes: the same eleven characters, all turned
# into "0" (a run of spaces passes too; the pattern then decides).
_CANDIDATE_BYTES = bytes.maketrans(b"0123456789 -", b"0" * 12)
_CANDIDATE_RUN = b"0" * 11

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def cn_id_valid(number: str) -> bool:
    """The GB 11643 check character and birth date of an 18-character identity number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    if _ID_CHECK[total % 11] != number[17].upper():
        return False
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def luhn_valid(digits: str) -> bool:
    total = 0
    for i, char in enumerate(reversed(digits)):
        d = int(char)
        if i % 2:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0


def may_hold_pii(text: str) -> bool:
    """False when ``text`` cannot hold any finding: one quick scan instead of the four patterns.

    It holds for a whole JSON document written without ``\\u`` escapes too: digits, spaces, dashes
    and ``@`` stand in its text as in its string values, so a document that fails the check has no
    finding in any of its strings.
    """
    if "@" in text:
        return True
    if text.isascii() and _CANDIDATE_RUN not in text.encode().translate(_CANDIDATE_BYTES):
        return False
    return _CANDIDATE.search(text) is not None


def find_pii(text: str) -> list[dict]:
    """Every piece of personal data in ``text``: ``[{"kind", "start", "end"}]`` by start offset.

    Where two kinds claim overlapping characters the earlier kind of ``KINDS`` wins (an identity
    number can pass the Luhn check too).
    """
    if not isinstance(text, str) or not may_hold_pii(text):
        return []
    found: list[dict] = []
    for match in _CN_ID.finditer(text):
        if cn_id_valid(match.group(0)):
            found.append({"kind": "cn_id", "start": match.start(), "end": match.end()})
    for match in _MOBILE.finditer(text):
        found.append({"kind": "mobile", "start": match.start(), "end": match.end()})
    for match in _EMAIL.finditer(text):
        found.append({"kind": "email", "start": match.start(), "end": match.end()})
    for match in _BANK_CARD.finditer(text):
        if luhn_valid(re.sub(r"\D", "", match.group(0))):
            found.append({"kind": "bank_card", "start": match.start(), "end": match.end()})
    kept: list[dict] = []
    for item in found:  # already in KINDS order: a later kind never displaces an earlier one
        if not any(item["start"] < other["end"] and other["start"] < item["end"] for other in kept):
            kept.append(item)
    return sorted(kept, key=lambda f: f["start"])


def find_in_data(data: dict[str, Any], skip: str | None = None) -> list[dict]:
    """``Task.pii`` entries ``{"field", "kind", "start", "end"}`` for the string fields of a task's
    data, but for the field named ``skip`` (an image's file name)."""
    findings = []
    for name, value in data.items():
        if name != skip and isinstance(value, str) and may_hold_pii(value):
            findings.extend({"field": name, **item} for item in find_pii(value))
    return findings


def mask_data(data: dict, findings: list[dict]) -> dict:
    """A copy of ``data`` with every character of every finding replaced by ``*``.

    Lengths stay the same, so span offsets computed on the masked text hold for the original.
    """
    masked = dict(data)
    by_field: dict[str, list[dict]] = {}
    for item in findings:
        by_field.setdefault(item["field"], []).append(item)
    for name, items in by_field.items():
        value = masked.get(name)
        if not isinstance(value, str):
            continue
        chars = list(value)
        for item in items:
            start, end = max(0, item["start"]), min(len(chars), item["end"])
            chars[start:end] = MASK * max(0, end - start)
        masked[name] = "".join(chars)
    return masked


def pii_counts(findings: list[dict]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in findings:
        counts[item["kind"]] = counts.get(item["kind"], 0) + 1
    return counts
