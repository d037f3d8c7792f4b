from django.urls import path

from annotation.api import annotations, auth, exports, jobs, organizations, projects, tasks

urlpatterns: list = [
    path("auth/token/", auth.TokenView.as_view(), name="auth-token"),
    path("auth/csrf/", auth.CsrfView.as_view(), name="auth-csrf"),
    path("auth/login/", auth.LoginView.as_view(), name="auth-login"),
    path("auth/logout/", auth.LogoutView.as_view(), name="auth-logout"),
    path("me/", auth.MeView.as_view(), name="me"),
    path("organizations/", organizations.OrganizationListView.as_view(), name="organization-list"),
    path("organizations/<int:organization_id>/", organizations.OrganizationDetailView.as_view(),
         name="organization-detail"),
    path("organizations/<int:organization_id>/members/", organizations.MemberListView.as_view(), name="member-list"),
    path("organizations/<int:organization_id>/members/<int:member_id>/", organizations.MemberDetailView.as_view(),
         name="member-detail"),
    path("schemas/validate/", projects.SchemaValidateView.as_view(), name="schema-validate"),
    path("projects/", projects.ProjectListView.as_view(), name="project-list"),
    path("projects/<int:project_id>/", projects.ProjectDetailView.as_view(), name="project-detail"),
    path("projects/<int:project_id>/progress/", projects.ProjectProgressView.as_view(), name="project-progress"),
    path("projects/<int:project_id>/tasks/", tasks.TaskListView.as_view(), name="task-list"),
    path("projects/<int:project_id>/next-task/", tasks.NextTaskView.as_view(), name="next-task"),
    path("projects/<int:project_id>/export/", exports.ProjectExportView.as_view(), name="project-export"),
    path("tasks/<int:task_id>/", tasks.TaskDetailView.as_view(), name="task-detail"),
    path("tasks/<int:task_id>/skip/", tasks.TaskSkipView.as_view(), name="task-skip"),
    path("tasks/<int:task_id>/lease/", tasks.TaskLeaseView.as_view(), name="task-lease"),
    path("tasks/<int:task_id>/media/", tasks.TaskMediaView.as_view(), name="task-media"),
    path("tasks/<int:task_id>/annotations/", annotations.TaskAnnotationsView.as_view(), name="task-annotations"),
    path("annotations/<int:annotation_id>/", annotations.AnnotationDetailView.as_view(), name="annotation-detail"),
    path("jobs/<int:job_id>/", jobs.JobDetailView.as_view(), name="job-detail"),
    path("jobs/<int:job_id>/cancel/", jobs.JobCancelView.as_view(), name="job-cancel"),
]

# imports (annotation/api/imports.py)
from annotation.api.imports import ImportCreateView  # noqa: E402

urlpatterns += [path("projects/<int:project_id>/imports/", ImportCreateView.as_view(), name="project-imports")]
