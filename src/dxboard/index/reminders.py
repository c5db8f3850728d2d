"""Reminders before a campaign closes, to units that have not submitted yet.

Idempotent: each (campaign, unit, days before) is recorded in the same transaction as the
notification, so running it twice a day, or from two workers, sends each reminder once.
"""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_noop

from dxboard.core.i18n import Message
from dxboard.core.notify import notify

from .actions import _link, _officers
from .models import Campaign, CampaignReminder, Submission


def send_campaign_reminders(today: datetime.date) -> int:
    sent = 0
    for campaign in Campaign.objects.filter(status=Campaign.Status.OPEN):
        days = (campaign.closes - today).days
        if days not in (campaign.reminder_days or []):
            continue
        waiting = campaign.submissions.filter(status__in=[Submission.Status.DRAFT, Submission.Status.RETURNED])
        for submission in waiting.select_related("unit"):
            try:
                with transaction.atomic():
                    CampaignReminder.objects.create(campaign=campaign, unit=submission.unit, days_before=days)
                    notify(_officers(submission.unit),
                           Message(gettext_noop("%(n)s days left: %(name)s"), {"n": days, "name": campaign.name}),
                           Message(gettext_noop("Your unit has not submitted its self-assessment yet.")),
                           _link(submission))
            except IntegrityError:
                continue  # already reminded
            sent += 1
    return sent
