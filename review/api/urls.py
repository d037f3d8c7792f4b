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
