from django.urls import path

from release.api import report, views

urlpatterns: list = [
    path("projects/<int:project_id>/releases/", views.ProjectReleasesView.as_view(), name="project-releases"),
    path("releases/<int:release_id>/", views.ReleaseDetailView.as_view(), name="release-detail"),
    path("releases/<int:release_id>/export/", views.ReleaseExportView.as_view(), name="release-export"),
    path("releases/<int:release_id>/diff/", views.ReleaseDiffView.as_view(), name="release-diff"),
    path("releases/<int:release_id>/quality/", report.ReleaseQualityView.as_view(), name="release-quality"),
    path("releases/<int:release_id>/value/", report.ReleaseValueView.as_view(), name="release-value"),
]
