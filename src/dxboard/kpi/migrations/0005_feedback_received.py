"""The defaults added since 0002 (FEEDBACK_RECEIVED, fed by the feedback module); existing ones untouched."""

from django.db import migrations


def load(apps, schema_editor):
    from dxboard.kpi.defaults import load_defaults

    load_defaults(apps.get_model("kpi", "Metric"), apps.get_model("kpi", "Target"), apps.get_model("kpi", "AlertRule"))


class Migration(migrations.Migration):
    dependencies = [("kpi", "0004_source_priority")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
