"""Every record kind and every field of the platform has a name people read in their language: the audit log,
forms, error messages and exports show these names (a field without one would show its key, e.g.
"locked_until" as "locked until", in English on a Vietnamese page)."""

import pytest
from django.apps import apps
from django.utils import translation

APPS = ["core", "audit", "units", "accounts", "jobs", "workdays", "portal", "index", "feedback", "kpi", "itprojects",
        "steering"]


def _names(model):
    yield model._meta.label, model._meta.verbose_name
    yield f"{model._meta.label} (plural)", model._meta.verbose_name_plural
    for field in model._meta.get_fields():
        if (field.concrete or field.many_to_many) and field.name != "id" and not field.auto_created:
            yield f"{model._meta.label}.{field.name}", field.verbose_name


@pytest.mark.parametrize("app", APPS)
def test_every_model_and_field_is_named_in_vietnamese(app):
    untranslated = []
    for model in apps.get_app_config(app).get_models():
        for where, name in _names(model):
            with translation.override("en"):
                english = str(name)
            with translation.override("vi"):
                vietnamese = str(name)
            if vietnamese == english:
                untranslated.append(f"{where}: {english}")
    assert not untranslated, untranslated
