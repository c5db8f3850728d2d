from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from dxboard.core import views as core_views

api_v1 = [
    path("", include("dxboard.units.api.urls")),
    path("", include("dxboard.index.api.urls")),
    path("", include("dxboard.itprojects.api.urls")),
    path("", include("dxboard.steering.api.urls")),
    path("", include("dxboard.feedback.api.urls")),
    path("", include("dxboard.kpi.api.urls")),
]

urlpatterns = [
    path("", include("dxboard.core.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/setlang/", core_views.set_language, name="set_language"),
    path("accounts/", include("dxboard.accounts.urls")),
    path("units/", include("dxboard.units.urls")),
    path("audit/", include("dxboard.audit.urls")),
    path("index/", include("dxboard.index.urls")),
    path("itprojects/", include("dxboard.itprojects.urls")),
    path("steering/", include("dxboard.steering.urls")),
    path("feedback/", include("dxboard.feedback.urls")),
    path("open311/v2/", include("dxboard.feedback.open311.urls")),
    path("kpi/", include("dxboard.kpi.urls")),
    path("workdays/", include("dxboard.workdays.urls")),
    path("portal/", include("dxboard.portal.urls")),
    path("jobs/", include("dxboard.jobs.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
]

handler400 = "dxboard.core.errors.bad_request"
handler403 = "dxboard.core.errors.permission_denied"
handler404 = "dxboard.core.errors.page_not_found"
handler500 = "dxboard.core.errors.server_error"
