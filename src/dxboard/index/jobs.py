"""Recomputing a campaign's official result in the background (`index.recompute`).

The handler runs inside the transaction that marks the job done (see dxboard.jobs.queue): a worker
killed half-way commits nothing — no snapshot, the campaign still points at its previous official
result, which every page keeps serving — and once the lease has expired another worker runs the job
again. It yields exactly one new snapshot: snapshots are unique per campaign × inputs × basis, and a
run on inputs already computed returns the stored one.
"""

from django.contrib.auth import get_user_model

from dxboard.jobs.queue import handler

from . import scoring

RECOMPUTE = "index.recompute"


@handler(RECOMPUTE)
def recompute(job) -> None:
    from . import actions
    from .models import Campaign

    campaign = Campaign.objects.get(pk=job.payload["campaign"])
    user = get_user_model().objects.filter(pk=job.payload.get("user")).first()
    actions.compute_results(acting_user=user, campaign=campaign, basis=job.payload.get("basis", scoring.VERIFIED),
                            official=True)
