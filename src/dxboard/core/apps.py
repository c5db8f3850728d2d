from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxboard.core"
    label = "core"

    def ready(self):
        from . import notify, purge_job  # noqa: F401  register the queued e-mail's and the purge's job handlers
