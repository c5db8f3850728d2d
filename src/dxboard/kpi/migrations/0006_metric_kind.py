"""Each metric says what it is (rate, count or score): the roll-ups follow it. The shipped metrics take
their declared kind (defaults.KINDS); others: with a denominator a rate, in points a score, else a count."""

from django.db import migrations, models


def set_kinds(apps, schema_editor):
    from dxboard.kpi.defaults import KINDS, kind_of

    for metric in apps.get_model("kpi", "Metric").objects.all():
        kind = kind_of(metric.code, metric.denominator_label)
        if metric.code not in KINDS and kind == "count" and metric.unit_label == "điểm":
            kind = "score"
        metric.kind = kind
        metric.save(update_fields=["kind"])


class Migration(migrations.Migration):
    dependencies = [("kpi", "0005_feedback_received")]
    operations = [
        migrations.AddField(
            model_name="metric", name="kind",
            field=models.CharField(choices=[("rate", "Rate"), ("count", "Count"), ("score", "Score or index")],
                                   default="rate", help_text="A rate has a denominator; a count and a score have none.",
                                   max_length=8, verbose_name="kind")),
        migrations.RunPython(set_kinds, migrations.RunPython.noop),
    ]
