from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxboard.core"
    label = "core"

    def ready(self):
        from . import notify  # noqa: F401  registers the queued e-mail's job handler
