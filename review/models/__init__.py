"""What the review app stores, one module per concern: consistency reports, certification and
exams (certification.py), the review queue and task outcomes (queue.py)."""
from review.models.certification import Certification, Exam, ExamAnswer, ExamAttempt, ExamItem, Level
from review.models.consistency import ConsistencyReport
from review.models.queue import InboxMessage, ReviewDecision, ReviewItem, TaskOutcome, Verdict

__all__ = [
    "Certification",
    "Exam",
    "ExamAnswer",
    "ExamAttempt",
    "ExamItem",
    "Level",
    "ConsistencyReport",
    "InboxMessage",
    "ReviewDecision",
    "ReviewItem",
    "TaskOutcome",
    "Verdict",
]
