"""URLs of the negotiation table, mounted under /onderhandeling/."""

from django.urls import path

from negotiation import views

app_name = "negotiation"
urlpatterns = [
    path("", views.session_list, name="session_list"),
    path("nieuw/", views.session_create, name="session_create"),
    path("<int:pk>/", views.board, name="board"),
    path("<int:pk>/stand.json", views.state, name="state"),
    path("<int:pk>/zet/", views.move, name="move"),
    path("<int:pk>/leiding/", views.facilitate, name="facilitate"),
    path("<int:pk>/presentatie/", views.presentation, name="presentation"),
    path("<int:pk>/terugkijken/", views.replay, name="replay"),
    path("<int:pk>/verslag/", views.report, name="report"),
    path("<int:pk>/uitkomst.xlsx", views.export, name="export"),
]
