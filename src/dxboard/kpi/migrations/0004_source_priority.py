"""One counted value per metric × unit × period: `is_preferred`, set here for the rows already held (the
only source of a key, or the first by priority), then the partial unique index `kpi_obs_preferred`
replaces `kpi_obs_rollup` as the roll-up path (on PostgreSQL covering numerator and denominator)."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Count

BUILTIN = {"upload": 200, "manual": 300, "demo": 900}  # as priority.BUILTIN when this was written


def mark_preferred(apps, schema_editor):
    Observation = apps.get_model("kpi", "Observation")  # noqa: N806
    SourceSystem = apps.get_model("kpi", "SourceSystem")  # noqa: N806
    schema_editor.execute(
        "UPDATE kpi_observation SET is_preferred = %s WHERE is_current AND NOT EXISTS (SELECT 1 FROM "
        "kpi_observation o2 WHERE o2.is_current AND o2.metric_id = kpi_observation.metric_id AND o2.unit_id = "
        "kpi_observation.unit_id AND o2.period_start = kpi_observation.period_start AND o2.source <> "
        "kpi_observation.source)", [True])
    system = dict(SourceSystem.objects.values_list("code", "priority"))
    current = Observation.objects.filter(is_current=True)
    shared = current.values("metric_id", "unit_id", "period_start").annotate(n=Count("pk")).filter(n__gt=1)
    for key in shared:
        rows = current.filter(**{k: key[k] for k in ("metric_id", "unit_id", "period_start")}) \
            .values_list("pk", "source")
        best = min(rows, key=lambda r: (system.get(r[1], BUILTIN.get(r[1], 500)), r[1]))
        Observation.objects.filter(pk=best[0]).update(is_preferred=True)


COVERING = ("DROP INDEX IF EXISTS kpi_obs_preferred", "CREATE UNIQUE INDEX kpi_obs_preferred ON kpi_observation "
            "(metric_id, period_start, unit_id) INCLUDE (numerator, denominator) WHERE is_preferred")
PLAIN = ("DROP INDEX IF EXISTS kpi_obs_preferred", "CREATE UNIQUE INDEX kpi_obs_preferred ON kpi_observation "
         "(metric_id, period_start, unit_id) WHERE is_preferred")


def _postgres(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('kpi', '0003_covering_rollup_index'),
        ('units', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='observation',
            name='kpi_obs_rollup',
        ),
        migrations.AddField(
            model_name='metric',
            name='source_order',
            field=models.JSONField(blank=True, default=list, help_text='Source codes, preferred first; other sources follow by priority.', verbose_name='preferred sources'),
        ),
        migrations.AddField(
            model_name='observation',
            name='is_preferred',
            field=models.BooleanField(default=False),
        ),
        migrations.AddField(
            model_name='sourcesystem',
            name='priority',
            field=models.PositiveSmallIntegerField(default=100, help_text='Lower is preferred when two sources report the same figure (upload 200, manual entry 300, demo 900).', verbose_name='priority'),
        ),
        migrations.RunPython(mark_preferred, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='observation',
            constraint=models.UniqueConstraint(condition=models.Q(('is_preferred', True)), fields=('metric', 'period_start', 'unit'), name='kpi_obs_preferred'),
        ),
        # PostgreSQL: the same unique index, covering (the SUM of a roll-up reads the index alone).
        migrations.RunPython(_postgres(COVERING), _postgres(PLAIN)),
    ]
