from django.urls import re_path

from . import updates, views

FMT = r"\.(?P<fmt>json|xml)$"
app_name = "open311"
urlpatterns = [
    re_path(r"^discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^services" + FMT, views.services, name="services"),
    re_path(r"^services/(?P<code>[\w-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^requests" + FMT, views.requests, name="requests"),
    re_path(r"^requests/(?P<request_id>[\w.-]+?)" + FMT, views.request_detail, name="request"),
    re_path(r"^servicerequestupdates" + FMT, updates.updates, name="updates"),
    re_path(r"^tokens/(?P<token>[\w-]+)" + FMT, views.token, name="token"),
    # Anything else under /open311/v2/ is a GeoReport error too, not the site's HTML 404 page.
    re_path(r"^(?P<path>[\s\S]*)\Z", views.not_found, name="not-found"),
]
