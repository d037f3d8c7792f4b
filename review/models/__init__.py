"""What the review app stores, one module per concern: consistency reports, certification and
exams (certification.py), the review queue and task outcomes (queue.py)."""
from review.models.consistency import ConsistencyReport

__all__ = [
    "ConsistencyReport",
]
