"""Inter-annotator agreement: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α.

Ratings are kept in long form — one row per annotation (item, coder, value) — because a
project has many annotators but only a few per task: a dense items × coders matrix would be
mostly holes. Every statistic here reduces to per-item sums built with one `np.bincount`,
so a million annotations cost tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]
MISSING = -1


def encode_labels(
    labels: Iterable[Hashable | None], categories: Sequence[Hashable] | None = None
) -> tuple[IntArray, list[Hashable]]:
    """Map labels to codes 0..K-1 (None → -1) and return the codes and the category list.

    Categories are sorted when they can be, so the same labels always get the same codes.
    """
    values = list(labels)
    if categories is None:
        present = {v for v in values if v is not None}
        try:
            categories = sorted(present)  # type: ignore[type-var]
        except TypeError:
            categories = sorted(present, key=repr)
    index = {c: i for i, c in enumerate(categories)}
    try:
        codes = [MISSING if v is None else index[v] for v in values]
    except KeyError as exc:
        raise ValueError(f"label {exc.args[0]!r} is not among the categories") from None
    return np.asarray(codes, dtype=np.int64), list(categories)


@dataclass(frozen=True)
class Ratings:
    """Annotations in long form: row r says coder `coders[r]` gave `values[r]` to `items[r]`.

    Nominal statistics need integer codes 0..K-1 (see `encode_labels`); interval statistics
    read the values as numbers. One coder should rate an item at most once.
    """

    items: IntArray
    coders: IntArray
    values: NDArray[np.generic]
    n_items: int
    n_coders: int

    @classmethod
    def from_arrays(
        cls,
        items: ArrayLike,
        coders: ArrayLike,
        values: ArrayLike,
        *,
        n_items: int | None = None,
        n_coders: int | None = None,
    ) -> Ratings:
        it = np.asarray(items, dtype=np.int64).ravel()
        co = np.asarray(coders, dtype=np.int64).ravel()
        va = np.asarray(values).ravel()
        if not (len(it) == len(co) == len(va)):
            raise ValueError("items, coders and values must have the same length")
        if len(it) and (it.min() < 0 or co.min() < 0):
            raise ValueError("item and coder indices must be non-negative")
        keep = ~_missing(va)
        if not keep.all():
            it, co, va = it[keep], co[keep], va[keep]
        n_i = int(it.max()) + 1 if n_items is None and len(it) else int(n_items or 0)
        n_c = int(co.max()) + 1 if n_coders is None and len(co) else int(n_coders or 0)
        if len(it) and (it.max() >= n_i or co.max() >= n_c):
            raise ValueError("an item or coder index is out of range")
        return cls(it, co, va, n_i, n_c)

    @classmethod
    def from_matrix(cls, matrix: ArrayLike) -> Ratings:
        """From items × coders; np.nan (float) or -1 (integer codes) marks a missing rating."""
        m = np.asarray(matrix)
        if m.ndim != 2:
            raise ValueError("expected an items × coders matrix")
        items, coders = np.nonzero(~_missing(m))
        values = m[items, coders]
        return cls(items.astype(np.int64), coders.astype(np.int64), values, *m.shape)

    def to_matrix(self) -> FloatArray:
        """Dense items × coders with np.nan for missing; for small data and debugging."""
        out = np.full((self.n_items, self.n_coders), np.nan)
        out[self.items, self.coders] = self.values
        return out

    def pair(self, coder_a: int, coder_b: int) -> tuple[NDArray[np.generic], NDArray[np.generic]]:
        """The two coders' values on the items both of them rated, aligned."""
        cols = []
        for coder in (coder_a, coder_b):
            col = np.full(self.n_items, np.nan)
            sel = self.coders == coder
            col[self.items[sel]] = self.values[sel]
            cols.append(col)
        both = ~np.isnan(cols[0]) & ~np.isnan(cols[1])
        return cols[0][both].astype(self.values.dtype), cols[1][both].astype(self.values.dtype)


def _missing(values: NDArray[np.generic]) -> NDArray[np.bool_]:
    if np.issubdtype(values.dtype, np.floating):
        return np.asarray(np.isnan(values))
    if np.issubdtype(values.dtype, np.integer):
        return np.asarray(values == MISSING)
    raise TypeError("values must be numeric codes; use encode_labels() for labels")


def as_ratings(data: Ratings | ArrayLike) -> Ratings:
    return data if isinstance(data, Ratings) else Ratings.from_matrix(data)


def category_codes(r: Ratings, n_categories: int | None = None) -> tuple[IntArray, int]:
    """The ratings' values as int64 category codes, and the number of categories K."""
    v = r.values
    if np.issubdtype(v.dtype, np.floating):
        if np.any(v != np.round(v)):
            raise ValueError("nominal statistics need integer category codes")
    codes = v.astype(np.int64)
    if len(codes) and codes.min() < 0:
        raise ValueError("category codes must be 0..K-1")
    k = int(codes.max()) + 1 if len(codes) else 0
    if n_categories is not None:
        if k > n_categories:
            raise ValueError("a category code is ≥ n_categories")
        k = n_categories
    return codes, k


def category_counts(data: Ratings | ArrayLike, n_categories: int | None = None) -> IntArray:
    """items × categories: how many coders put each item in each category."""
    r = as_ratings(data)
    codes, k = category_codes(r, n_categories)
    flat = np.bincount(r.items * k + codes, minlength=r.n_items * k)
    return flat.reshape(r.n_items, k).astype(np.int64)


def percent_agreement(data: Ratings | ArrayLike, n_categories: int | None = None) -> float:
    """Mean over items (with ≥ 2 ratings) of the share of coder pairs that agree."""
    counts = category_counts(data, n_categories)
    m = counts.sum(axis=1)
    ok = m >= 2
    if not ok.any():
        return float("nan")
    agreeing = (counts[ok] * (counts[ok] - 1)).sum(axis=1)
    return float(np.mean(agreeing / (m[ok] * (m[ok] - 1))))


def cohens_kappa(
    a: ArrayLike,
    b: ArrayLike,
    *,
    n_categories: int | None = None,
    weights: Literal["linear", "quadratic"] | None = None,
) -> float:
    """Cohen's κ for two aligned code vectors; pairs with a missing side are dropped.

    `weights` gives the weighted κ for ordered categories (disagreement |i−j| or (i−j)²).
    """
    x, y = np.asarray(a).ravel(), np.asarray(b).ravel()
    keep = ~_missing(x) & ~_missing(y)
    x, y = x[keep].astype(np.int64), y[keep].astype(np.int64)
    if len(x) == 0:
        return float("nan")
    k = n_categories or int(max(x.max(), y.max())) + 1
    observed = np.bincount(x * k + y, minlength=k * k).reshape(k, k) / len(x)
    expected = np.outer(observed.sum(axis=1), observed.sum(axis=0))
    idx = np.arange(k)
    if weights is None:
        w = (idx[:, None] != idx[None, :]).astype(np.float64)
    elif weights == "linear":
        w = np.abs(idx[:, None] - idx[None, :]).astype(np.float64)
    elif weights == "quadratic":
        w = ((idx[:, None] - idx[None, :]) ** 2).astype(np.float64)
    else:
        raise ValueError("weights must be None, 'linear' or 'quadratic'")
    denom = float((w * expected).sum())
    if denom == 0:
        return float("nan")
    return 1.0 - float((w * observed).sum()) / denom


def fleiss_kappa(data: Ratings | ArrayLike, n_categories: int | None = None) -> float:
    """Fleiss' κ over items with ≥ 2 ratings.

    With the same number of ratings on every item this is Fleiss (1971) exactly; when the
    count varies (an annotator skipped a task) each item's agreement uses its own count,
    which is the usual generalisation rather than throwing the item away.
    """
    counts = category_counts(data, n_categories)
    m = counts.sum(axis=1)
    ok = m >= 2
    if not ok.any():
        return float("nan")
    c, mm = counts[ok], m[ok]
    p_item = (c * (c - 1)).sum(axis=1) / (mm * (mm - 1))
    p_bar = float(p_item.mean())
    p_cat = c.sum(axis=0) / c.sum()
    p_e = float(np.dot(p_cat, p_cat))
    if p_e == 1.0:
        return float("nan")
    return (p_bar - p_e) / (1.0 - p_e)


def krippendorff_alpha(
    data: Ratings | ArrayLike, level: Literal["nominal", "interval"] = "nominal"
) -> float:
    """Krippendorff's α = 1 − D_o / D_e over pairable values (items with ≥ 2 ratings).

    Both disagreements are sums over ordered pairs of values, and for these two metrics a
    pair sum per item has a closed form in per-item sums, so no coincidence matrix needs to
    be built explicitly:
      nominal:  Σ_{i≠j} [v_i ≠ v_j]   = m² − Σ_c n_c²
      interval: Σ_{i≠j} (v_i − v_j)²  = 2 (m Σv² − (Σv)²)
    α = 1 − (n − 1) · Σ_u pairsum_u / (m_u − 1) / pairsum_all, n = number of pairable values.
    Returns nan when there is no variation at all (D_e = 0), where α is undefined.
    """
    r = as_ratings(data)
    m = np.bincount(r.items, minlength=r.n_items).astype(np.float64)
    if level == "nominal":
        counts = category_counts(r).astype(np.float64)
        pairable = m >= 2
        c = counts[pairable]
        mu = m[pairable]
        within = ((mu * mu - (c * c).sum(axis=1)) / (mu - 1)).sum()
        totals = c.sum(axis=0)
        n = float(totals.sum())
        between = n * n - float(np.dot(totals, totals))
    elif level == "interval":
        v = r.values.astype(np.float64)
        # Centre first: the closed forms subtract large squares and would lose digits.
        keep = m[r.items] >= 2
        v, it = v[keep], r.items[keep]
        if len(v) == 0:
            return float("nan")
        v = v - v.mean()
        s1 = np.bincount(it, weights=v, minlength=r.n_items)
        s2 = np.bincount(it, weights=v * v, minlength=r.n_items)
        pairable = m >= 2
        mu = m[pairable]
        within = (2.0 * (mu * s2[pairable] - s1[pairable] ** 2) / (mu - 1)).sum()
        n = float(len(v))
        between = 2.0 * (n * float(np.dot(v, v)) - float(v.sum()) ** 2)
    else:
        raise ValueError("level must be 'nominal' or 'interval'")
    if n < 2 or between <= 0:
        return float("nan")
    return 1.0 - (n - 1.0) * float(within) / between
