from pathlib import Path

from django.core.management.base import BaseCommand

from dxboard.core.backup import backup


class Command(BaseCommand):
    help = "Back up the database and the uploaded files into a folder with a checksum manifest."

    def add_arguments(self, parser):
        parser.add_argument("target", type=Path)
        parser.add_argument("--database", default="default")

    def handle(self, *args, target, database, **options):
        manifest = backup(target, using=database)
        self.stdout.write(f"{sum(manifest['counts'].values())} rows, {len(manifest['files'])} files → {target}")
