from django.core.management.base import BaseCommand

from dxboard.workdays.loader import DEFAULT_FILE, load_holidays


class Command(BaseCommand):
    help = "Working-day calendar. `workdays load [--file F] [--year Y] [--force]` loads public holidays from YAML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        load = sub.add_parser("load", help="load holidays and make-up working days (idempotent)")
        load.add_argument("--file", default=str(DEFAULT_FILE))
        load.add_argument("--year", type=int, action="append")
        load.add_argument("--force", action="store_true",
                          help="also overwrite the dates the standing office changed on its page")

    def handle(self, *args, **options):
        loaded = load_holidays(options["file"], options.get("year"), force=options["force"])
        self.stdout.write(f"{loaded.count} calendar days loaded")
        if loaded.kept:
            days = ", ".join(f"{d:%d/%m/%Y}" for d in sorted(loaded.kept))
            self.stdout.write(f"kept as the standing office set them on its page (--force to overwrite): {days}")
