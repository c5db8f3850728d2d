"""PostgreSQL only: a snapshot's payload (~9 MB of JSON for a national campaign) is compressed with lz4
instead of pglz when stored. pglz took ~1 s of a national recomputation's ~1.2 s INSERT; lz4 ~0.05 s.
The stored value is the same jsonb; only its compression on disk changes (rows stored before keep
theirs). A server built without lz4 keeps pglz (a notice, not an error)."""

from django.db import migrations


def _compression(method: str):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(
            "DO $$ BEGIN "
            f"ALTER TABLE index_resultsnapshot ALTER COLUMN payload SET COMPRESSION {method}; "
            "EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN "
            f"RAISE NOTICE USING MESSAGE = 'payload compression {method} not available: ' || SQLERRM; "
            "END $$")

    return run


class Migration(migrations.Migration):
    dependencies = [("index", "0002_campaignreminder")]
    operations = [migrations.RunPython(_compression("lz4"), _compression("pglz"))]
