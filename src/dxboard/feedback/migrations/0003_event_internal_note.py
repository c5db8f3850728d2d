from django.db import migrations, models

# Events whose note the office wrote for the handling unit, not for the citizen.
OFFICE_NOTES = ["routed", "rerouted", "in_progress", "resumed", "extended"]


def move_office_notes(apps, schema_editor):
    ReportEvent = apps.get_model("feedback", "ReportEvent")
    for event in ReportEvent.objects.filter(kind__in=OFFICE_NOTES).exclude(note=""):
        event.internal_note, event.note = event.note, ""
        event.save(update_fields=["internal_note", "note"])


def restore_notes(apps, schema_editor):
    ReportEvent = apps.get_model("feedback", "ReportEvent")
    for event in ReportEvent.objects.exclude(internal_note=""):
        event.note, event.internal_note = event.internal_note, ""
        event.save(update_fields=["internal_note", "note"])


class Migration(migrations.Migration):

    dependencies = [
        ("feedback", "0002_daily_counter"),
    ]

    operations = [
        migrations.AddField(
            model_name="reportevent",
            name="internal_note",
            field=models.TextField(blank=True, verbose_name="internal note"),
        ),
        migrations.RunPython(move_office_notes, restore_notes),
    ]
