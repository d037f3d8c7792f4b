"""Edit distance and answer normalisation."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.metrics.textsim import answers_match, levenshtein, normalize_answer, parse_number


def reference_levenshtein(a: str, b: str) -> int:
    """The textbook row-by-row DP, to check the bit-parallel version against."""
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
    return row[-1]


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="abc", max_size=40), st.text(alphabet="abc", max_size=40))
def test_bit_parallel_levenshtein_equals_the_textbook_dp_on_small_alphabets(a: str, b: str) -> None:
    assert levenshtein(a, b) == reference_levenshtein(a, b)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_bit_parallel_levenshtein_equals_the_textbook_dp_on_any_text(a: str, b: str) -> None:
    assert levenshtein(a, b) == reference_levenshtein(a, b)


def test_levenshtein_handles_strings_longer_than_a_machine_word() -> None:
    a = "ab" * 300
    b = "ba" * 300 + "c"
    assert levenshtein(a, b) == reference_levenshtein(a, b)


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("42", "42"),
        ("42.0", "42"),
        ("４２", "42"),
        ("42。", "42"),
        ("+42", "42"),
        ("1,000", "1000"),
        ("1e3", "1000"),
        ("0.5", "1/2"),
        ("$\\boxed{7}$", "7"),
        ("  The  Answer! ", "the answer"),
        ("「北京」", "「北京」"),
    ],
)
def test_answers_are_normalised_to_one_canonical_form(written: str, canonical: str) -> None:
    assert normalize_answer(written) == canonical


def test_a_comma_list_is_not_read_as_a_thousands_number() -> None:
    assert parse_number("1,2") is None
    assert not answers_match("1,2", "12")


def test_different_numbers_do_not_match() -> None:
    assert not answers_match("42", "42.01")
    assert answers_match("0.50", "1/2")
