from django.urls import path

from review.api import certifications, exams, views

urlpatterns: list = [
    path("projects/<int:project_id>/quality/", views.ProjectQualityView.as_view(), name="project-quality"),
    path("projects/<int:project_id>/quality/recompute/", views.ProjectQualityRecomputeView.as_view(),
         name="project-quality-recompute"),
    path("certifications/", certifications.CertificationListView.as_view(), name="certification-list"),
    path("certifications/<int:certification_id>/revoke/", certifications.CertificationRevokeView.as_view(),
         name="certification-revoke"),
    path("exams/", exams.ExamListView.as_view(), name="exam-list"),
    path("exams/<int:exam_id>/", exams.ExamDetailView.as_view(), name="exam-detail"),
    path("exams/<int:exam_id>/attempts/", exams.ExamAttemptStartView.as_view(), name="exam-attempt-start"),
    path("exam-attempts/<int:attempt_id>/", exams.ExamAttemptDetailView.as_view(), name="exam-attempt-detail"),
    path("exam-attempts/<int:attempt_id>/answers/", exams.ExamAnswerView.as_view(), name="exam-attempt-answers"),
    path("exam-attempts/<int:attempt_id>/finish/", exams.ExamAttemptFinishView.as_view(),
         name="exam-attempt-finish"),
]

# review queue, decisions and inbox (review/api/queue.py, reviews.py, inbox.py)
from review.api import inbox, queue, reviews  # noqa: E402

urlpatterns += [
    path("review/queue/", queue.ReviewQueueView.as_view(), name="review-queue"),
    path("review/queue/next/", queue.ReviewQueueNextView.as_view(), name="review-queue-next"),
    path("review/items/<int:item_id>/", queue.ReviewItemDetailView.as_view(), name="review-item-detail"),
    path("review/items/<int:item_id>/lease/", queue.ReviewItemLeaseView.as_view(), name="review-item-lease"),
    path("reviews/", reviews.ReviewCreateView.as_view(), name="review-create"),
    path("inbox/", inbox.InboxView.as_view(), name="inbox"),
    path("inbox/<int:message_id>/read/", inbox.InboxReadView.as_view(), name="inbox-read"),
]
