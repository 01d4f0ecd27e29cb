"""Project URLs: each app brings its own; login, language switch and health are here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gmr_thuis import views
from gmr_thuis.forms import LoginForm
from municipalities import views as municipality_views

# JSON under /api/, pages elsewhere; an outage is a 503 (gmr_thuis/errorpages.py, outages.py).
handler404 = "gmr_thuis.errorpages.not_found_handler"
handler500 = "gmr_thuis.errorpages.server_error_handler"

urlpatterns = [
    path("", views.home, name="home"),
    path("start/", views.start, name="start"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/tweestapsverificatie/", views.second_factor_setup, name="second_factor"),
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
    path("bemiddeling/", include("mediation.urls")),
]
