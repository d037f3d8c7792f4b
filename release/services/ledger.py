"""The contribution ledger of a release: who made the accepted data, by quality-weighted share.

The rule (docs/release.md, "Tokens, value and contributions"):
- Each record weighs its billable units (tokens, images, seconds of audio), so a share of the
  ledger is a share of the release's value. When the whole release has no units, each record
  weighs 1.
- A record accepted as annotated (source ``auto`` or ``review``) is split among the annotators
  whose submitted annotations it came from, in proportion to their quality weight: their
  agreement with the task's consensus from the consistency report, or 1 for a single annotation
  (or when the report has no figure for them). If every weight is 0, they share equally.
- A record a reviewer fixed (source ``fix``) is credited in full to that reviewer: the accepted
  labels are theirs.
- A base's share is the sum of its people's shares; a person's base is their home base (the
  organization of their first membership), so a base that lends annotators to another base's
  project is credited for their work. People with no membership left count for the project's base.
Shares add up to 1 (up to the rounding of each to 6 digits).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from typing import Any

from release.quality.common import num


def record_contributors(provenance: Any, annotator_agreement: Mapping[str, Any] | None) -> tuple[str, dict[int, float]]:
    """``(role, {user id: weight})`` for one record, weights adding up to 1 (empty: nobody known)."""
    provenance = provenance if isinstance(provenance, dict) else {}
    if provenance.get("source") == "fix":
        fixes = [r for r in provenance.get("reviews") or [] if isinstance(r, dict) and r.get("decision") == "fix"]
        if fixes and fixes[-1].get("reviewer") is not None:
            return "reviewer", {int(fixes[-1]["reviewer"]): 1.0}
    ids = [int(a["id"]) for a in provenance.get("annotators") or [] if isinstance(a, dict) and a.get("id") is not None]
    if not ids:
        return "annotator", {}
    agreement = annotator_agreement or {}
    weights = {}
    for uid in ids:
        value = agreement.get(str(uid)) if len(ids) > 1 else None
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        weights[uid] = min(1.0, max(0.0, float(value))) if ok else 1.0
    total = sum(weights.values())
    if total <= 0:
        return "annotator", {uid: 1.0 / len(ids) for uid in ids}
    return "annotator", {uid: w / total for uid, w in weights.items()}


def _usernames(provenance: dict) -> dict[int, str]:
    names = {int(a["id"]): str(a.get("username") or "") for a in provenance.get("annotators") or []
             if isinstance(a, dict) and a.get("id") is not None}
    names.update({int(r["reviewer"]): str(r.get("username") or "") for r in provenance.get("reviews") or []
                  if isinstance(r, dict) and r.get("reviewer") is not None})
    return names


class LedgerTally:
    """Feed each record with :meth:`add`; :meth:`summary` gives the ledger and the bases."""

    def __init__(self) -> None:
        self.by_units: defaultdict[int, float] = defaultdict(float)
        self.by_records: defaultdict[int, float] = defaultdict(float)
        self.accepted: Counter[int] = Counter()
        self.fixed: Counter[int] = Counter()
        self.names: dict[int, str] = {}
        self.units = 0

    def add(self, provenance: Any, annotator_agreement: Mapping[str, Any] | None, units: int) -> None:
        role, weights = record_contributors(provenance, annotator_agreement)
        if isinstance(provenance, dict):
            self.names.update(_usernames(provenance))
        self.units += units
        for uid, weight in weights.items():
            self.by_units[uid] += weight * units
            self.by_records[uid] += weight
            (self.fixed if role == "reviewer" else self.accepted)[uid] += 1

    def shares(self) -> dict[int, float]:
        credit = self.by_units if self.units > 0 else self.by_records
        total = sum(credit.values())
        return {uid: c / total for uid, c in credit.items()} if total > 0 else {}

    def summary(self, home_base: Mapping[int, tuple[int, str]], default_base: tuple[int, str]) -> tuple[list, list]:
        """``(ledger, bases)``; ``home_base`` maps a user id to ``(organization id, name)``."""
        shares = self.shares()
        ledger = [
            {"annotator": {"id": uid, "username": self.names.get(uid, "")},
             "accepted": self.accepted[uid], "fixed": self.fixed[uid],
             "credit_units": num(self.by_units[uid]), "weighted_share": num(share)}
            for uid, share in sorted(shares.items(), key=lambda item: (-item[1], item[0]))
        ]
        per_base: defaultdict[tuple[int, str], float] = defaultdict(float)
        for uid, share in shares.items():
            per_base[home_base.get(uid, default_base)] += share
        bases = [{"organization": {"id": org_id, "name": name}, "share": num(share)}
                 for (org_id, name), share in sorted(per_base.items(), key=lambda item: (-item[1], item[0][0]))]
        return ledger, bases
