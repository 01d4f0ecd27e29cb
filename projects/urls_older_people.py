"""URLs of the older people's task, mounted under /ouderen/."""

from django.urls import path

from projects import views

app_name = "older_people"
urlpatterns = [
    path("", views.older_people, name="dashboard"),
    path("prognose/import/", views.forecast_import, name="forecast_import"),
]
