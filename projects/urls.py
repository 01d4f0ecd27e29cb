"""URLs of the project pipeline, mounted under /projecten/."""

from django.urls import path, re_path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.project_overview, name="list"),
    path("gemeente/<slug:slug>/", views.municipality_projects, name="municipality"),
    path("gemeente/<slug:slug>/nieuw/", views.project_create, name="create"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/bewerken/", views.project_edit, name="edit"),
    path("<int:pk>/fase/", views.project_phase, name="phase"),
    path("prognose/", views.forecast, name="forecast"),
    path("ouderen/", views.older_people, name="older_people"),
    path("taart-vergroten/", views.pie, name="pie"),
    path("ouderen/import/", views.older_population_import, name="older_population_import"),
    re_path(
        r"^ouderen/sjabloon\.(?P<fmt>csv|xlsx)$",
        views.older_population_template,
        name="older_population_template",
    ),
    path("import/", views.project_import, name="import"),
    re_path(r"^sjabloon\.(?P<fmt>csv|xlsx)$", views.project_template, name="template"),
]
