"""Geometry for comparing boxes and polygons: IoU and one-to-one matching.

Only numpy and scipy: the check workers must not pull in shapely/GEOS for a handful of areas.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]

# Non-convex polygons are rasterised on a grid this many cells along the longer side of the
# pair's joint bounding box: ~0.5% area error on ordinary shapes, a few ms per pair.
DEFAULT_RASTER_SIZE = 256


def box_iou_matrix(a: ArrayLike, b: ArrayLike) -> FloatArray:
    """IoU of every box in `a` against every box in `b`; boxes are rows of (x, y, w, h)."""
    a_arr = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b_arr = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    ax0, ay0 = a_arr[:, 0:1], a_arr[:, 1:2]
    ax1, ay1 = ax0 + a_arr[:, 2:3], ay0 + a_arr[:, 3:4]
    bx0, by0 = b_arr[:, 0], b_arr[:, 1]
    bx1, by1 = bx0 + b_arr[:, 2], by0 + b_arr[:, 3]
    inter_w = np.clip(np.minimum(ax1, bx1) - np.maximum(ax0, bx0), 0.0, None)
    inter_h = np.clip(np.minimum(ay1, by1) - np.maximum(ay0, by0), 0.0, None)
    inter = inter_w * inter_h
    area_a = np.abs(a_arr[:, 2:3] * a_arr[:, 3:4])
    area_b = np.abs(b_arr[:, 2] * b_arr[:, 3])
    union = area_a + area_b - inter
    # Two degenerate (zero-area) boxes at the same place are the same annotation.
    same = np.all(a_arr[:, None, :] == b_arr[None, :, :], axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        iou = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return np.where(same, 1.0, iou)


def polygon_area(points: ArrayLike) -> float:
    """Signed shoelace area: positive for counter-clockwise in a y-up frame."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(p) < 3:
        return 0.0
    x, y = p[:, 0], p[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def is_convex(points: ArrayLike) -> bool:
    """True for a simple convex polygon (collinear vertices allowed)."""
    p = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if len(p) < 3:
        return False
    edges = np.roll(p, -1, axis=0) - p
    edges = edges[np.any(edges != 0, axis=1)]
    if len(edges) < 3:
        return False
    nxt = np.roll(edges, -1, axis=0)
    cross = edges[:, 0] * nxt[:, 1] - edges[:, 1] * nxt[:, 0]
    dot = np.einsum("ij,ij->i", edges, nxt)
    turns = cross[np.abs(cross) > 1e-12]
    if len(turns) and not (np.all(turns > 0) or np.all(turns < 0)):
        return False
    # Same-sign turns also describe a pentagram; only a total turn of one revolution is convex.
    return abs(abs(float(np.arctan2(cross, dot).sum())) - 2 * np.pi) < 1e-6


def _ccw(p: FloatArray) -> FloatArray:
    return p if polygon_area(p) >= 0 else p[::-1]


def _clip_convex(subject: FloatArray, clip: FloatArray) -> FloatArray:
    """Sutherland–Hodgman: `subject` clipped by convex counter-clockwise `clip`."""
    out = subject
    for i in range(len(clip)):
        if len(out) == 0:
            break
        c0, c1 = clip[i], clip[(i + 1) % len(clip)]
        edge = c1 - c0
        # Signed distance-like value per vertex: >= 0 means inside this half-plane.
        side = edge[0] * (out[:, 1] - c0[1]) - edge[1] * (out[:, 0] - c0[0])
        nxt_side = np.roll(side, -1)
        nxt = np.roll(out, -1, axis=0)
        kept: list[FloatArray] = []
        for j in range(len(out)):
            if side[j] >= 0:
                kept.append(out[j])
            if (side[j] >= 0) != (nxt_side[j] >= 0):
                t = side[j] / (side[j] - nxt_side[j])
                kept.append(out[j] + t * (nxt[j] - out[j]))
        out = np.array(kept, dtype=np.float64).reshape(-1, 2)
    return out


def _raster_mask(
    poly: FloatArray, lo: FloatArray, cell: float, nx: int, ny: int
) -> NDArray[np.bool_]:
    """Cells whose centre lies inside `poly` (even–odd rule), by scanline parity.

    Each edge crossing a row's centre line toggles inside/outside from the first cell centre
    at or right of the crossing; a cumulative sum of toggles gives the parity. This is
    O(rows · edges + cells) instead of testing every cell against every edge.
    """
    ys = lo[1] + (np.arange(ny) + 0.5) * cell
    x0, y0 = poly[:, 0], poly[:, 1]
    x1, y1 = np.roll(x0, -1), np.roll(y0, -1)
    py = ys[:, None]
    # Half-open test: a vertex on the scanline counts for exactly one of its two edges.
    straddles = (y0 > py) != (y1 > py)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_cross = x0 + (py - y0) * (x1 - x0) / (y1 - y0)
    rows, edges = np.nonzero(straddles)
    first = np.ceil((x_cross[rows, edges] - lo[0]) / cell - 0.5)
    first = np.clip(first, 0, nx).astype(np.int64)
    toggles = np.bincount(rows * (nx + 1) + first, minlength=ny * (nx + 1)).reshape(ny, nx + 1)
    return np.asarray(np.cumsum(toggles[:, :nx], axis=1) % 2 == 1)


def _raster_iou(a: FloatArray, b: FloatArray, size: int) -> float:
    lo = np.minimum(a.min(axis=0), b.min(axis=0))
    hi = np.maximum(a.max(axis=0), b.max(axis=0))
    extent = hi - lo
    cell = float(extent.max()) / size
    if cell <= 0:
        return 0.0
    nx, ny = (int(v) for v in np.maximum(np.ceil(extent / cell), 1))
    in_a = _raster_mask(a, lo, cell, nx, ny)
    in_b = _raster_mask(b, lo, cell, nx, ny)
    union = np.count_nonzero(in_a | in_b)
    return float(np.count_nonzero(in_a & in_b)) / union if union else 0.0


def polygon_iou(a: ArrayLike, b: ArrayLike, *, raster_size: int = DEFAULT_RASTER_SIZE) -> float:
    """Area IoU of two simple polygons given as [[x, y], ...].

    Exact (Sutherland–Hodgman) when both are convex, which covers boxes, most hand-drawn
    outlines of compact objects and all triangles; rasterised otherwise.
    """
    pa = np.asarray(a, dtype=np.float64).reshape(-1, 2)
    pb = np.asarray(b, dtype=np.float64).reshape(-1, 2)
    if pa.shape == pb.shape and np.array_equal(pa, pb):
        return 1.0
    area_a, area_b = abs(polygon_area(pa)), abs(polygon_area(pb))
    if area_a == 0 or area_b == 0:
        return 0.0
    # Disjoint bounding boxes: the common case for many objects in one image, skip all work.
    if np.any(pa.max(axis=0) <= pb.min(axis=0)) or np.any(pb.max(axis=0) <= pa.min(axis=0)):
        return 0.0
    if is_convex(pa) and is_convex(pb):
        inter = abs(polygon_area(_clip_convex(_ccw(pa), _ccw(pb))))
        return float(min(1.0, inter / (area_a + area_b - inter)))
    return _raster_iou(pa, pb, raster_size)


def polygon_iou_matrix(
    a: Sequence[ArrayLike], b: Sequence[ArrayLike], *, raster_size: int = DEFAULT_RASTER_SIZE
) -> FloatArray:
    out = np.zeros((len(a), len(b)), dtype=np.float64)
    for i, pa in enumerate(a):
        for j, pb in enumerate(b):
            out[i, j] = polygon_iou(pa, pb, raster_size=raster_size)
    return out


@dataclass(frozen=True)
class Matching:
    """One-to-one pairs (rows of `a`, columns of `b`) and their scores."""

    pairs: list[tuple[int, int]]
    scores: list[float]

    @property
    def count(self) -> int:
        return len(self.pairs)

    @property
    def mean_score(self) -> float:
        return float(np.mean(self.scores)) if self.scores else 0.0


def match_pairs(scores: ArrayLike, eligible: ArrayLike) -> Matching:
    """Most eligible pairs first, then the highest total score among those matchings.

    Plain max-IoU assignment can trade one good match for two mediocre ones, and with ties
    its match count depends on argument order; weighting each eligible pair by
    (k + score), with k above any achievable score sum, makes the count optimal first and
    the result symmetric in (a, b).
    """
    s = np.asarray(scores, dtype=np.float64)
    ok = np.asarray(eligible, dtype=bool)
    if s.size == 0 or not ok.any():
        return Matching([], [])
    k = float(min(s.shape)) + 1.0
    weight = np.where(ok, k + s, 0.0)
    # Imported here: scipy costs ~50 MB, and web processes load this module without matching boxes.
    from scipy.optimize import linear_sum_assignment

    rows, cols = linear_sum_assignment(weight, maximize=True)
    keep = ok[rows, cols]
    pairs = [(int(r), int(c)) for r, c in zip(rows[keep], cols[keep], strict=True)]
    return Matching(pairs, [float(s[r, c]) for r, c in pairs])
