"""`dxboard run [ADDRPORT]`: the whole platform in one command, for `make run` — the web server and the
background worker (queued e-mails, recomputations, reminders). Ctrl-C stops both."""

import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Start the web server and the background worker together (Ctrl-C stops both)."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--poll", type=float, default=2.0, help="the worker's seconds between polls when idle")

    def handle(self, *args, **options):
        # The worker is a process of its own (a job may take seconds of CPU), in this process group: the
        # terminal's Ctrl-C reaches both; a stop by signal or a failing server stops it too.
        worker = subprocess.Popen(  # noqa: S603 — our own interpreter and command, no outside input
            [sys.executable, "-m", "dxboard.manage", "worker", "--poll", str(options["poll"])], env=os.environ.copy())
        self.stdout.write(f"dxboard: worker started (pid {worker.pid}); web server on http://{options['addrport']}/")
        previous = signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            call_command("runserver", options["addrport"], use_reloader=False)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            if worker.poll() is None:
                worker.send_signal(signal.SIGINT)
                try:
                    worker.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    worker.kill()
            self.stdout.write("dxboard: web server and worker stopped.")
