from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "dxboard.core"
    label = "core"
