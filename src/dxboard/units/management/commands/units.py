"""`dxboard units load --province "Bắc Ninh" [--history] [--departments FILE]` and `dxboard units list`."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from dxboard.units.loaders import LoadError, load_province
from dxboard.units.models import Unit


class Command(BaseCommand):
    help = "Load and list administrative units (vietnamadminunits data set)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        load = sub.add_parser(
            "load", help="Load a province's communes and wards (and, with --history, the pre-2025 tree).")
        load.add_argument("--province", required=True, help='Province name, with or without diacritics: "Bắc Ninh".')
        load.add_argument("--history", action="store_true", help="Also load the pre-1 July 2025 tree and successions.")
        load.add_argument("--departments", type=Path, help="YAML file of departments (default: the shipped fixture).")
        lst = sub.add_parser("list", help="List units in force today.")
        lst.add_argument("--kind")

    def handle(self, *args, subcommand, **options):
        if subcommand == "load":
            try:
                report = load_province(options["province"], history=options["history"],
                                       departments=options["departments"])
            except LoadError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(report.summary())
        else:
            units = Unit.objects.current()
            if options.get("kind"):
                units = units.filter(kind=options["kind"])
            for unit in units:
                self.stdout.write(f"{unit.code}\t{unit.kind}\t{unit.name}")
