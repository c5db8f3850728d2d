import signal
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from dxboard.jobs import queue


class Command(BaseCommand):
    help = ("Run background jobs (reminders, digests). Any number of workers may run at once, on any "
            "machine that reaches the database.")

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="schedule, run what is due, then exit")
        parser.add_argument("--max-jobs", type=int, default=None, help="exit after running N jobs")
        parser.add_argument("--lease", type=int, default=300, help="seconds a claimed job stays locked")
        parser.add_argument("--poll", type=float, default=5.0, help="seconds between polls when idle")
        parser.add_argument("--schedule-every", type=float, default=60.0, help="seconds between scheduler runs")
        parser.add_argument("--no-schedule", action="store_true", help="run jobs only, never enqueue")
        parser.add_argument("--pause-after-claim", type=float, default=0.0, help="(tests) sleep after a claim")

    def handle(self, *args, **options):
        worker = queue.worker_name()
        stop = {"now": False}

        def ask_to_stop(*_):
            stop["now"] = True

        signal.signal(signal.SIGTERM, ask_to_stop)
        signal.signal(signal.SIGINT, ask_to_stop)
        ran = 0
        last_schedule = 0.0
        while not stop["now"]:
            if not options["no_schedule"] and time.monotonic() - last_schedule >= options["schedule_every"]:
                queue.run_schedulers(timezone.now())
                last_schedule = time.monotonic()
            left = None if options["max_jobs"] is None else options["max_jobs"] - ran
            if left is not None and left <= 0:
                break
            n = queue.work(worker=worker, max_jobs=left, lease_seconds=options["lease"],
                           pause_after_claim=options["pause_after_claim"])
            ran += n
            if options["once"]:
                break
            if n == 0:
                time.sleep(options["poll"])
        self.stdout.write(f"{ran} jobs run by {worker}")
