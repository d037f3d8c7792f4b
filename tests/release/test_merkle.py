"""The release Merkle tree: RFC 6962 roots, streaming proofs, and RFC 9162 verification."""
from __future__ import annotations

import hashlib

from hypothesis import given
from hypothesis import strategies as st

from release import merkle


def reference_root(leaves: list[bytes]) -> bytes:
    """RFC 6962 section 2.1, written recursively as the RFC states it."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(leaves[:k]) + reference_root(leaves[k:])).digest()


def reference_path(index: int, leaves: list[bytes]) -> list[bytes]:
    if len(leaves) <= 1:
        return []
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    if index < k:
        return reference_path(index, leaves[:k]) + [reference_root(leaves[k:])]
    return reference_path(index - k, leaves[k:]) + [reference_root(leaves[:k])]


def leaves_of(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


def test_root_matches_the_rfc_definition_for_small_trees():
    for n in range(0, 40):
        assert merkle.root(leaves_of(n)) == reference_root(leaves_of(n)), n


def test_empty_tree_root_is_the_hash_of_nothing():
    assert merkle.root([]).hex() == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


@given(st.integers(min_value=1, max_value=300), st.data())
def test_streamed_proof_equals_the_rfc_path_and_verifies(n, data):
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    leaves = leaves_of(n)
    path = merkle.proof(leaves, index, n)
    assert path == reference_path(index, leaves)
    assert merkle.verify(leaves[index], index, n, path, merkle.root(leaves))


@given(st.integers(min_value=2, max_value=200), st.data())
def test_a_changed_leaf_or_wrong_position_does_not_verify(n, data):
    index = data.draw(st.integers(min_value=0, max_value=n - 1))
    leaves = leaves_of(n)
    path = merkle.proof(leaves, index, n)
    top = merkle.root(leaves)
    assert not merkle.verify(hashlib.sha256(b"forged").digest(), index, n, path, top)
    other = (index + 1) % n
    assert not merkle.verify(leaves[index], other, n, path, top)


def test_two_lists_that_differ_only_by_a_repeated_last_leaf_have_different_roots():
    leaves = leaves_of(3)
    assert merkle.root(leaves) != merkle.root(leaves + [leaves[-1]])


def test_proof_refuses_an_index_outside_the_tree():
    import pytest

    with pytest.raises(ValueError):
        merkle.proof_ranges(5, 5)
    assert not merkle.verify(leaves_of(1)[0], 3, 2, [], merkle.root(leaves_of(2)))
