from django.urls import path

from prelabel.api import views

urlpatterns: list = [
    path("projects/<int:project_id>/prelabel/", views.PrelabelStartView.as_view(), name="project-prelabel"),
    path("projects/<int:project_id>/model-versions/", views.ModelVersionListView.as_view(),
         name="project-model-versions"),
    path("projects/<int:project_id>/retrain/", views.RetrainStartView.as_view(), name="project-retrain"),
]
