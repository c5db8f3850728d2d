from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KpiConfig(AppConfig):
    name = "dxboard.kpi"
    label = "kpi"
    verbose_name = _("Operating figures (KPIs)")

    def ready(self):
        from dxboard.core.panels import register
        from dxboard.index import sources

        from . import feedback_feed, pull  # noqa: F401 — register the worker's handlers and schedulers
        from .indicators import feed_submission
        from .panels import home_panels

        register(home_panels)
        sources.register("kpi", feed_submission)
