from django.core.management.base import BaseCommand
from django.utils import timezone

from dxboard.index.reminders import send_campaign_reminders


class Command(BaseCommand):
    help = "Send the reminders due today before campaigns close (idempotent; run daily or from the worker)."

    def handle(self, *args, **options):
        self.stdout.write(f"{send_campaign_reminders(timezone.localdate())} reminders sent")
