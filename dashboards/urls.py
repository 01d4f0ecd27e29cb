from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.region, name="region"),
    path("waarom/<int:run_id>/<slug:slug>/<slug:group>/<int:year>/", views.explain, name="explain"),
    path("gemeente/<slug:slug>/", views.municipality, name="municipality"),
    path("kaart/", views.supply_map, name="map"),
    path("rapport/", views.report, name="report"),
    path("export/ijktabel.xlsx", views.export_xlsx, name="export_xlsx"),
    path("export/ijktabel.csv", views.export_csv, name="export_csv"),
]
