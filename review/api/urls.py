from django.urls import path

from review.api import views

urlpatterns: list = [
    path("projects/<int:project_id>/quality/", views.ProjectQualityView.as_view(), name="project-quality"),
    path("projects/<int:project_id>/quality/recompute/", views.ProjectQualityRecomputeView.as_view(),
         name="project-quality-recompute"),
]
