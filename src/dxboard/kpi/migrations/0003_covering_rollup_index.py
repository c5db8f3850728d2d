"""PostgreSQL only: the roll-up index covers numerator and denominator (INCLUDE), so the SUM of a
province roll-up reads the index alone. Same name as the model's index, so the migration state holds."""

from django.db import migrations

FORWARD = [
    "DROP INDEX IF EXISTS kpi_obs_rollup",
    "CREATE INDEX kpi_obs_rollup ON kpi_observation (metric_id, period_start, unit_id) "
    "INCLUDE (numerator, denominator) WHERE is_current",
]
BACKWARD = [
    "DROP INDEX IF EXISTS kpi_obs_rollup",
    "CREATE INDEX kpi_obs_rollup ON kpi_observation (metric_id, period_start, unit_id) WHERE is_current",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("kpi", "0002_default_metrics")]
    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
