from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.frontend import frontend_index

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("annotation.api.urls")),
    path("api/v1/", include("prelabel.api.urls")),
    path("api/v1/", include("review.api.urls")),
    path("api/v1/", include("release.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # The browser app owns every other path (client-side routing).
    re_path(r"^(?!api/|admin/|static/|media/).*$", frontend_index, name="frontend"),
]
