"""String similarity and answer normalisation used by text and chain-of-thought comparison."""

from __future__ import annotations

import re
import unicodedata
from fractions import Fraction

_WHITESPACE = re.compile(r"\s+")
# NFKC already maps full-width ASCII to half-width; the ideographic stop and the CJK
# enumeration comma have no half-width form, so they are listed here.
_TRAILING_PUNCT = ".,;:!?。、·…\"'`)"
_LEADING_PUNCT = "\"'`("
_BOXED = re.compile(r"^\\boxed\{(.*)\}$")
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$|^[+-]?\d+/[1-9]\d*$")


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute; cost 1 each).

    Myers' bit-parallel algorithm in Hyyrö's form: one Python big integer holds a whole
    column of the DP matrix, so the cost is len(a) big-int steps instead of len(a)·len(b)
    interpreted cells — two 2,000-character texts take about 3 ms.
    """
    if a == b:
        return 0
    # Common affixes never change the distance and are free to strip.
    start = 0
    limit = min(len(a), len(b))
    while start < limit and a[start] == b[start]:
        start += 1
    end = 0
    while end < limit - start and a[-1 - end] == b[-1 - end]:
        end += 1
    a = a[start : len(a) - end]
    b = b[start : len(b) - end]
    if len(a) < len(b):
        a, b = b, a
    m = len(b)
    if m == 0:
        return len(a)
    peq: dict[str, int] = {}
    for i, ch in enumerate(b):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    full = (1 << m) - 1
    top = 1 << (m - 1)
    pv, mv, score = full, 0, m
    for ch in a:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & full)
        mh = pv & xh
        if ph & top:
            score += 1
        elif mh & top:
            score -= 1
        # Shifting a 1 into ph encodes D[0][j] = j: a global distance, not a substring search.
        ph = ((ph << 1) | 1) & full
        mh = (mh << 1) & full
        pv = mh | (~(xv | ph) & full)
        mv = ph & xv
    return score


def normalize_text(text: str) -> str:
    """NFKC (full-width → half-width, compatibility forms) and collapsed whitespace."""
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text)).strip()


def edit_similarity(a: str, b: str, *, normalize: bool = True) -> float:
    """1 − distance / longer length; two empty strings are identical (1.0)."""
    if normalize:
        a, b = normalize_text(a), normalize_text(b)
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return 1.0 - levenshtein(a, b) / longest


def normalize_answer(answer: object) -> str:
    """Canonical form of a final answer: what two correct solvers would both write.

    Width, case, whitespace, surrounding quotes/brackets, a LaTeX \\boxed{} and trailing
    punctuation are not part of the answer; numbers are reduced to a canonical fraction so
    "42", "42.0", "４２。" and "84/2" agree.
    """
    text = normalize_text(str(answer)).casefold()
    previous = None
    while previous != text:
        previous = text
        boxed = _BOXED.match(text)
        if boxed:
            text = boxed.group(1).strip()
        text = text.rstrip(_TRAILING_PUNCT).lstrip(_LEADING_PUNCT).strip()
        if len(text) >= 2 and text[0] == "$" and text[-1] == "$":
            text = text[1:-1].strip()
    number = parse_number(text)
    if number is not None:
        return f"{number.numerator}/{number.denominator}" if number.denominator != 1 else str(
            number.numerator
        )
    return text


def parse_number(text: str) -> Fraction | None:
    """Exact value of a plain decimal, scientific, fraction or 1,234.5 number; else None."""
    candidate = text.replace(" ", "")
    if _THOUSANDS.match(candidate):
        candidate = candidate.replace(",", "")
    if not _NUMBER.match(candidate):
        return None
    try:
        return Fraction(candidate)
    except (ValueError, ZeroDivisionError):
        return None


def answers_match(a: object, b: object) -> bool:
    return normalize_answer(a) == normalize_answer(b)
