from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "dxboard.feedback"
    label = "feedback"
    verbose_name = _("Citizen feedback")

    def ready(self):
        from dxboard.core.panels import register
        from dxboard.index import sources

        from . import reminders  # noqa: F401  registers the job handler and scheduler
        from .figures import feed_submission
        from .panels import home_panels

        register(home_panels)
        sources.register("feedback", feed_submission)
