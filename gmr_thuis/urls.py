"""Project URLs: each app brings its own; login, language switch and health are here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gmr_thuis import views
from municipalities import views as municipality_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("gmr_thuis.api.urls")),
    path("gemeenten/", include("municipalities.urls")),
    path("verdeling/", include("allocation.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("aandachtsgroepen/", municipality_views.target_groups, name="target_groups"),
    path("dashboard/", include("dashboards.urls")),
    path("onderhandeling/", include("negotiation.urls")),
    path("projecten/", include("projects.urls")),
]
