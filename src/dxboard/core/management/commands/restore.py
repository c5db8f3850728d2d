from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dxboard.core.backup import BackupError, restore


class Command(BaseCommand):
    help = "Restore a backup folder into a fresh database (checksums and row counts are verified)."

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, source, database, **options):
        try:
            manifest = restore(source, using=database)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {sum(manifest['counts'].values())} rows and {len(manifest['files'])} files")
