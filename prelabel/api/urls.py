from django.urls import path

from prelabel.api import tasks, views

urlpatterns: list = [
    path("projects/<int:project_id>/prelabel/", views.PrelabelStartView.as_view(), name="project-prelabel"),
    path("projects/<int:project_id>/model-versions/", views.ModelVersionListView.as_view(),
         name="project-model-versions"),
    path("projects/<int:project_id>/retrain/", views.RetrainStartView.as_view(), name="project-retrain"),
    path("tasks/<int:task_id>/prelabel/", tasks.TaskPrelabelView.as_view(), name="task-prelabel"),
    path("tasks/<int:task_id>/predictions/", tasks.TaskPredictionsView.as_view(), name="task-predictions"),
]
