from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ItprojectsConfig(AppConfig):
    name = "dxboard.itprojects"
    label = "itprojects"
    verbose_name = _("IT systems and projects")

    def ready(self):
        from dxboard.core.panels import register

        from .panels import home_panels

        register(home_panels)

        from dxboard.index import sources

        from .indicators import feed_submission

        sources.register("itprojects", feed_submission)
