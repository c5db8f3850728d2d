from django.core.management.base import BaseCommand

from dxboard.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Bắc Ninh demo (idempotent) and print the demo accounts."

    def handle(self, *args, **options):
        load_demo()
        self.stdout.write(self.style.SUCCESS("Bắc Ninh demo loaded (demo data, not official figures)."))
        self.stdout.write(f"Demo accounts — password for all: {DEMO_PASSWORD}")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<14} {account.note}")
