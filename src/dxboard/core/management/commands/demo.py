from django.conf import settings
from django.core.management.base import BaseCommand

from dxboard.core import outbox
from dxboard.core.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Load the Bắc Ninh demo (idempotent) and print how to use it: accounts, addresses, where mail goes."

    def handle(self, *args, **options):
        load_demo()
        site = settings.SITE_URL.rstrip("/")
        self.stdout.write(self.style.SUCCESS("Bắc Ninh demo loaded (demo data, not official figures)."))
        self.stdout.write(f"  platform   {site}/")
        self.stdout.write(f"  citizens   {site}/feedback/   (a phone's browser; installable)")
        self.stdout.write(f"  public     {site}/portal/   API {site}/api/v1/ (schema {site}/api/schema/)")
        self.stdout.write(f"Accounts — password for all: {DEMO_PASSWORD}")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account.username:<14} {account.note}")
        if outbox.in_use():
            self.stdout.write(f"E-mail: nothing is sent; every message is kept in the outbox, {site}/outbox/ "
                              "(signed in as admin).")
        else:
            self.stdout.write(f"E-mail: sent through {settings.MAILERS['default']['BACKEND']}.")
