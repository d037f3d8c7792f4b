"""Framework-free maths for consistency checks, exams and review (no Django in here).

- `compare`: one similarity in [0, 1] per label type, behind `compare()` / `grade()`.
- `agreement`: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α on long-form ratings.
- `consensus`: weighted majority vote, Dawid–Skene EM, box and span consensus.
"""

from review.metrics.agreement import (
    Ratings,
    category_counts,
    cohens_kappa,
    encode_labels,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
)
from review.metrics.compare import Comparison, compare, grade, label_types, register
from review.metrics.consensus import (
    CategoricalConsensus,
    DawidSkeneResult,
    StructuredConsensus,
    box_consensus,
    dawid_skene,
    majority_vote,
    span_consensus,
)

__all__ = [
    "CategoricalConsensus",
    "Comparison",
    "DawidSkeneResult",
    "Ratings",
    "StructuredConsensus",
    "box_consensus",
    "category_counts",
    "cohens_kappa",
    "compare",
    "dawid_skene",
    "encode_labels",
    "fleiss_kappa",
    "grade",
    "krippendorff_alpha",
    "label_types",
    "majority_vote",
    "percent_agreement",
    "register",
    "span_consensus",
]
