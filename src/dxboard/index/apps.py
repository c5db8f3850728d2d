from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndexConfig(AppConfig):
    name = "dxboard.index"
    label = "index"
    verbose_name = _("Digital transformation index")

    def ready(self):
        from dxboard.core.panels import register

        from . import jobs  # noqa: F401  registers the job handler
        from .panels import home_panels

        register(home_panels)
