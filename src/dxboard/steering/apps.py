from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SteeringConfig(AppConfig):
    name = "dxboard.steering"
    label = "steering"
    verbose_name = _("Steering programme")

    def ready(self):
        from dxboard.workdays.signals import calendar_changed

        from . import reminders  # noqa: F401  registers the job handlers and the scheduler
        from .actions import refresh_effective_deadlines

        calendar_changed.connect(refresh_effective_deadlines, dispatch_uid="steering-effective-deadlines")

        from dxboard.core.panels import register
        from dxboard.index import sources

        from .indicators import feed_submission
        from .panels import home_panels

        register(home_panels)
        sources.register("tasks", feed_submission)
