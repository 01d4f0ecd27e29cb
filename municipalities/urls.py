from django.urls import path

from municipalities import views

app_name = "municipalities"
urlpatterns = [
    path("<slug:slug>/", views.municipality_profile, name="profile"),
]
