"""A SHA-256 Merkle tree over a release's record hashes, framework-free.

The tree is the one of RFC 6962 / RFC 9162 (Certificate Transparency), so any third party can
check a proof with a published algorithm: a leaf is ``SHA-256(0x00 || leaf)``, an inner node
``SHA-256(0x01 || left || right)``, and a tree of ``n`` leaves splits at the largest power of two
below ``n`` (no duplicated last leaf, so two different lists never share a root). The empty tree's
root is ``SHA-256("")``. Leaves are the records' SHA-256 digests (32 raw bytes) in seq order.

Everything streams: ``RootBuilder`` keeps one hash per set bit of the leaf count, and
``ProofBuilder`` computes one leaf's inclusion path in a single pass over the leaves, so a
million-record release needs kilobytes, not a list of every hash.
"""
from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(LEAF_PREFIX + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


class RootBuilder:
    """Feed leaves in order with ``add``; ``root()`` at any point is the root of those seen so far."""

    def __init__(self) -> None:
        self._stack: list[tuple[int, bytes]] = []  # (subtree size, hash), sizes strictly decreasing
        self.count = 0

    def add(self, leaf: bytes) -> None:
        self.add_hash(leaf_hash(leaf))

    def add_hash(self, node: bytes) -> None:
        size = 1
        while self._stack and self._stack[-1][0] == size:
            _, left = self._stack.pop()
            node = node_hash(left, node)
            size *= 2
        self._stack.append((size, node))
        self.count += 1

    def root(self) -> bytes:
        if not self._stack:
            return EMPTY_ROOT
        node = self._stack[-1][1]
        for _, left in reversed(self._stack[:-1]):
            node = node_hash(left, node)
        return node


def root(leaves: Iterable[bytes]) -> bytes:
    builder = RootBuilder()
    for leaf in leaves:
        builder.add(leaf)
    return builder.root()


def _split(n: int) -> int:
    """The largest power of two strictly below n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def proof_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """The leaf ranges [start, end) whose subtree hashes form the inclusion path of ``index``,
    bottom-up (the order RFC 9162 verifies them in)."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of {size}")
    ranges: list[tuple[int, int]] = []
    start, end = 0, size
    while end - start > 1:
        k = _split(end - start)
        if index < start + k:
            ranges.append((start + k, end))
            end = start + k
        else:
            ranges.append((start, start + k))
            start += k
    ranges.reverse()
    return ranges


class ProofBuilder:
    """One pass over the leaves in order gives the inclusion path of the leaf at ``index``."""

    def __init__(self, index: int, size: int) -> None:
        self.index, self.size = index, size
        self._ranges = sorted((r, i) for i, r in enumerate(proof_ranges(index, size)))
        self._starts = [r[0] for r, _ in self._ranges]
        self._builders = [RootBuilder() for _ in self._ranges]
        self._position = 0
        self.leaf: bytes | None = None

    def add(self, leaf: bytes) -> None:
        position = self._position
        self._position += 1
        if position == self.index:
            self.leaf = leaf
            return
        slot = bisect.bisect_right(self._starts, position) - 1
        if slot >= 0 and position < self._ranges[slot][0][1]:
            self._builders[slot].add(leaf)

    def path(self) -> list[bytes]:
        if self._position != self.size:
            raise ValueError(f"saw {self._position} leaves, expected {self.size}")
        path: list[bytes | None] = [None] * len(self._ranges)
        for (_, order), builder in zip(self._ranges, self._builders):
            path[order] = builder.root()
        return path  # type: ignore[return-value]


def proof(leaves: Iterable[bytes], index: int, size: int) -> list[bytes]:
    builder = ProofBuilder(index, size)
    for leaf in leaves:
        builder.add(leaf)
    return builder.path()


def verify(leaf: bytes, index: int, size: int, path: list[bytes], expected_root: bytes) -> bool:
    """RFC 9162 section 2.1.3.2: does ``path`` prove ``leaf`` at ``index`` in a tree of ``size``
    whose root is ``expected_root``?"""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    node = leaf_hash(leaf)
    for sibling in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            node = node_hash(sibling, node)
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            node = node_hash(node, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and node == expected_root
