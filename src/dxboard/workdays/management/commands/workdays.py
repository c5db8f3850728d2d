from django.core.management.base import BaseCommand

from dxboard.workdays.loader import DEFAULT_FILE, load_holidays


class Command(BaseCommand):
    help = "Working-day calendar. `workdays load [--file F] [--year Y]` loads public holidays from YAML."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="command", required=True)
        load = sub.add_parser("load", help="load holidays and make-up working days (idempotent)")
        load.add_argument("--file", default=str(DEFAULT_FILE))
        load.add_argument("--year", type=int, action="append")

    def handle(self, *args, **options):
        n = load_holidays(options["file"], options.get("year"))
        self.stdout.write(f"{n} calendar days loaded")
