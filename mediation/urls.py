"""URLs of the regional mediation table, mounted under /bemiddeling/."""

from django.urls import path

from mediation import views

app_name = "mediation"
urlpatterns = [
    path("", views.case_list, name="cases"),
    path("casus/nieuw/", views.case_create, name="case_create"),
    path("casus/<int:pk>/", views.case_detail, name="case"),
    path("casus/<int:pk>/wijzigen/", views.case_edit, name="case_edit"),
    path("casus/<int:pk>/sluiten/", views.case_close, name="case_close"),
    path("casus/<int:pk>/gegevens.json", views.case_export, name="case_export"),
    path("woningen/", views.offer_list, name="offers"),
    path("woningen/nieuw/", views.offer_create, name="offer_create"),
    path("woningen/<int:pk>/intrekken/", views.offer_withdraw, name="offer_withdraw"),
    path("overleggen/", views.meeting_list, name="meetings"),
    path("overleggen/nieuw/", views.meeting_schedule, name="meeting_schedule"),
    path("overleggen/<int:pk>/", views.meeting_detail, name="meeting"),
    path("overleggen/<int:pk>/agenda-bijwerken/", views.meeting_refresh, name="meeting_refresh"),
    path("overleggen/<int:pk>/besluit/<int:case_pk>/", views.decision_record, name="decision"),
    path("overleggen/<int:pk>/verslag/", views.meeting_minutes, name="minutes"),
    path(
        "overleggen/<int:pk>/verslag.xlsx",
        views.meeting_minutes,
        {"fmt": "xlsx"},
        name="minutes_xlsx",
    ),
    path(
        "overleggen/<int:pk>/verslag.pdf",
        views.meeting_minutes,
        {"fmt": "pdf"},
        name="minutes_pdf",
    ),
    path("plaatsingen/<int:pk>/bevestigen/", views.placement_confirm, name="confirm"),
]
