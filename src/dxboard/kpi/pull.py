"""Pull: the worker fetches each active `PullEndpoint` on its schedule. The endpoint answers JSON
`{"observations": [{metric, unit, period, numerator, denominator}, ...]}` (or the bare list), stored
as the endpoint's source system would push it (same checks: only its allowed metrics; all or nothing).

Every fetch leaves a `FetchLog` row. A failed fetch is retried by a new job (30 s, 60 s, 120 s…, at most
`MAX_ATTEMPTS`), so the failure's record commits with the job instead of being rolled back with it.
"""

import datetime
import json
import urllib.error
import urllib.request

from django.db import transaction
from django.utils import timezone

from dxboard.core import netguard
from dxboard.jobs.queue import enqueue, handler, scheduler

from .models import FetchLog, PullEndpoint

KIND = "kpi.pull"
MAX_ATTEMPTS = 4
TIMEOUT = 15
MAX_BYTES = 20 * 1024 * 1024


def backoff(attempt: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=30 * 2 ** (attempt - 1))


@scheduler
def schedule(now: datetime.datetime) -> int:
    """Enqueue one fetch per active endpoint per slot of `every_minutes` (idempotent: dedupe key)."""
    n = 0
    for endpoint in PullEndpoint.objects.filter(is_active=True, source__is_active=True):
        slot = int(now.timestamp() // (max(endpoint.every_minutes, 1) * 60))
        _job, created = enqueue(KIND, {"endpoint": endpoint.pk, "attempt": 1},
                                dedupe_key=f"{KIND}:{endpoint.pk}:{slot}")
        n += created
    return n


def fetch(url: str) -> tuple[int, list]:
    """GET the endpoint through the SSRF guard (netguard.py: the URL, the address connected to and every
    redirect are checked). UnsafeURL (a ValueError) when refused."""
    netguard.check_url(url)
    request = urllib.request.Request(  # noqa: S310 — scheme and address checked by netguard
        url, headers={"Accept": "application/json", "User-Agent": "dxboard-kpi"})
    with netguard.opener().open(request, timeout=TIMEOUT) as response:
        status = response.status
        body = response.read(MAX_BYTES + 1)
    if len(body) > MAX_BYTES:
        raise ValueError("response too large")
    data = json.loads(body.decode("utf-8"))
    rows = data.get("observations") if isinstance(data, dict) else data
    if not isinstance(rows, list):
        raise ValueError("expected a list of observations")
    return status, rows


@handler(KIND)
def run_pull(job) -> None:
    from . import actions

    endpoint = PullEndpoint.objects.select_related("source").filter(pk=job.payload["endpoint"]).first()
    if endpoint is None or not endpoint.is_active:
        return
    attempt = int(job.payload.get("attempt", 1))
    log = FetchLog(endpoint=endpoint, attempt=attempt)
    try:
        log.status_code, rows = fetch(endpoint.url)
        with transaction.atomic():
            counts = actions.store_observations(acting_user=None, rows=rows, source=endpoint.source.code,
                                                source_system=endpoint.source)
        log.ok = True
        log.stored = counts["created"] + counts["corrected"]
    except netguard.UnsafeURL as exc:  # refused by the SSRF guard: trying again would not change that
        log.error, attempt = str(exc)[:4000], MAX_ATTEMPTS
    except urllib.error.HTTPError as exc:
        log.status_code, log.error = exc.code, str(exc)
    except (OSError, ValueError) as exc:  # network, JSON, refused batch (BatchErrors is a ValueError)
        log.error = str(exc)[:4000]
    log.save()
    if not log.ok and attempt < MAX_ATTEMPTS:
        enqueue(KIND, {"endpoint": endpoint.pk, "attempt": attempt + 1},
                run_at=timezone.now() + backoff(attempt), dedupe_key=f"{job.dedupe_key or job.pk}:retry{attempt + 1}")
