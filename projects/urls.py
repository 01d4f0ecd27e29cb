"""URLs of the project pipeline, mounted under /projecten/."""

from django.urls import path

from monitoring import urls as _monitoring_urls  # noqa: F401  registers the "table" converter
from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("nieuw/<slug:slug>/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/bewerken/", views.project_edit, name="edit"),
    path("<int:pk>/fase/", views.project_phase, name="phase"),
    path("import/", views.project_import, name="import"),
    path("sjabloon.<table:fmt>", views.project_template, name="template"),
    path("taart-vergroten/", views.pie, name="pie"),
]
