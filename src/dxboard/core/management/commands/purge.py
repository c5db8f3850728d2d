from django.core.management.base import BaseCommand

from dxboard.core.actions import purge
from dxboard.core.models import PurgeRun


class Command(BaseCommand):
    help = ("Erase the personal data past its retention period now (the worker also does it once a day); "
            "each kind's run is recorded in the purge history and the audit log.")

    def add_arguments(self, parser):
        parser.add_argument("--kind", choices=PurgeRun.Kind.values, action="append",
                            help="only this kind of data (repeatable); every kind by default")

    def handle(self, *args, kind=None, **options):
        for name in kind or PurgeRun.Kind.values:
            run = purge(name)
            self.stdout.write(f"{name}: {run.rows} erased (older than {run.cutoff:%Y-%m-%d %H:%M}, "
                              f"{run.days} days)")
