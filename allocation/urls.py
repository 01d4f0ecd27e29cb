from django.urls import path

from allocation import views

app_name = "allocation"
urlpatterns = [
    path("", views.scenario_list, name="scenario_list"),
    path("scenario/nieuw/", views.scenario_create, name="scenario_create"),
    path("scenario/<slug:slug>/", views.scenario_detail, name="scenario_detail"),
    path("scenario/<slug:slug>/bewerken/", views.scenario_edit, name="scenario_edit"),
    path("scenario/<slug:slug>/voorbeeld/", views.scenario_preview, name="scenario_preview"),
    path("scenario/<slug:slug>/starten/", views.run_start, name="run_start"),
    path("scenario/<slug:slug>/gevoeligheid/", views.sweep_start, name="sweep_start"),
    path("run/<int:pk>/", views.run_detail, name="run_detail"),
    path("run/<int:pk>/voortgang/", views.run_progress, name="run_progress"),
    path("run/<int:pk>/goedkeuren/", views.run_approve, name="run_approve"),
    path("run/<int:pk>/export.csv", views.run_export, {"fmt": "csv"}, name="run_export_csv"),
    path("run/<int:pk>/export.xlsx", views.run_export, {"fmt": "xlsx"}, name="run_export_xlsx"),
    path("vergelijk/", views.run_compare, name="run_compare"),
    path("gevoeligheid/<int:pk>/", views.sweep_detail, name="sweep_detail"),
    path(
        "gevoeligheid/<int:pk>/export.csv",
        views.sweep_export,
        {"fmt": "csv"},
        name="sweep_export_csv",
    ),
    path(
        "gevoeligheid/<int:pk>/export.xlsx",
        views.sweep_export,
        {"fmt": "xlsx"},
        name="sweep_export_xlsx",
    ),
]
