"""Submission limits per hour: per device, per address, per Open311 client.

Counted inside the submission's transaction, once its report is inserted, after locking one RateKey row
per limit (SELECT … FOR UPDATE on PostgreSQL; SQLite's IMMEDIATE transactions already serialise
writers), so that N parallel submissions from one key cannot all read "under the limit" before any of
them is stored: the lock holder sees every report committed before it, and its own. The count is of
stored reports in the last hour (a sliding window): refused and failed submissions never count."""

import datetime

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_noop

from .models import RateKey, Report

# (key prefix, Report field, setting with the hourly limit, refusal)
LIMITS = (
    ("device", "device_hash", "FEEDBACK_RATE_PER_DEVICE",
     gettext_noop("Too many reports from this device; please try again later.")),
    ("ip", "ip_hash", "FEEDBACK_RATE_PER_ADDRESS",
     gettext_noop("Too many reports from this network; please try again later.")),
    ("client", "api_client_id", "FEEDBACK_RATE_PER_API_CLIENT",
     gettext_noop("Too many reports from this application; please try again later.")),
)


def refusal(*, device_hash: str, ip_hash: str, api_client_id: int | None) -> str | None:
    """Lock the submission's limit keys and return the refusal of the first limit its report (inserted
    in this transaction, so counted too) goes past, or None. An empty value (no device cookie, no
    address, no client) counts nothing: there is nothing to limit by."""
    values = {"device_hash": device_hash, "ip_hash": ip_hash, "api_client_id": api_client_id}
    limits = [(f"{prefix}:{values[field]}", field, name, text) for prefix, field, name, text in LIMITS
              if values[field]]
    if not limits:
        return None
    keys = sorted(key for key, *_rest in limits)  # one order for every submission: no deadlock
    RateKey.objects.bulk_create([RateKey(key=key) for key in keys], ignore_conflicts=True)
    list(RateKey.objects.select_for_update().filter(key__in=keys).order_by("key"))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    conditions = {field: Q(**{field: values[field]}) for _key, field, _name, _text in limits}
    any_of = Q()
    for condition in conditions.values():
        any_of |= condition
    counts = Report.objects.filter(any_of, created_at__gte=hour_ago).aggregate(
        **{field: Count("pk", filter=condition) for field, condition in conditions.items()})
    for _key, field, name, text in limits:
        if counts[field] > getattr(settings, name):
            return text
    return None


def comment_refusal(api_client_id: int) -> str | None:
    """The refusal of a comment relayed by an Open311 client past FEEDBACK_RATE_PER_API_CLIENT comments in
    the last hour (its own count, beside its reports'), counted like a submission: under the client's lock,
    with the comment just inserted."""
    from .models import ReportEvent

    key = f"client-comment:{api_client_id}"
    RateKey.objects.bulk_create([RateKey(key=key)], ignore_conflicts=True)
    list(RateKey.objects.select_for_update().filter(key=key))
    hour_ago = timezone.now() - datetime.timedelta(hours=1)
    count = ReportEvent.objects.filter(kind="commented", client_update__startswith=f"{api_client_id}:",
                                       at__gte=hour_ago).count()
    if count > settings.FEEDBACK_RATE_PER_API_CLIENT:
        return gettext_noop("Too many updates from this application; please try again later.")
    return None
