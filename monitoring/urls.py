"""URLs of monitoring, mounted under /monitoring/."""

from django.urls import path, register_converter

from monitoring import views


class TableFormat:
    regex = "csv|xlsx"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(TableFormat, "table")

app_name = "monitoring"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("mijn-gemeente/", views.my_municipality, name="my_municipality"),
    path("inbox/", views.inbox, name="inbox"),
    path("export.<table:fmt>", views.dashboard_export, name="dashboard_export"),
    path("rapportage/", views.quarterly_report, name="quarterly_report"),
    path("gemeente/<slug:slug>/<int:year>/", views.municipality_year, name="municipality_year"),
    path("gemeente/<slug:slug>/wijken/", views.neighbourhoods, name="neighbourhoods"),
    path(
        "gemeente/<slug:slug>/<int:year>/afspraak/<slug:group_code>/",
        views.agreement,
        name="agreement",
    ),
    path(
        "gemeente/<slug:slug>/<int:year>/afspraak/<slug:group_code>/status/",
        views.agreement_step,
        name="agreement_step",
    ),
    path(
        "gemeente/<slug:slug>/<int:year>/afspraken/",
        views.agreements_grid,
        name="agreements_grid",
    ),
    path(
        "gemeente/<slug:slug>/<int:year>/realisatie/",
        views.realisation_grid,
        name="realisation_grid",
    ),
    path(
        "gemeente/<slug:slug>/<int:year>/realisatie/<slug:group_code>/<int:quarter>/",
        views.realisation,
        name="realisation",
    ),
    path(
        "gemeente/<slug:slug>/<int:year>/woningbouw/<slug:kind>/",
        views.housing_plan,
        name="housing_plan",
    ),
    path("realisatie/import/", views.realisation_import, name="realisation_import"),
    path(
        "realisatie/import/<int:pk>/", views.realisation_import_job, name="realisation_import_job"
    ),
    path(
        "realisatie/sjabloon.<table:fmt>", views.realisation_template, name="realisation_template"
    ),
    path("bezwaren/", views.objections, name="objections"),
    path("bezwaren/nieuw/<slug:slug>/", views.objection_lodge, name="objection_lodge"),
    path("bezwaren/<int:pk>/", views.objection, name="objection"),
]
