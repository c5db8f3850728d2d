"""Automatic data sources of the index: each module registers a feeder that fills the answers whose
indicator names its source (`kpi`, `tasks`, `itprojects`, `feedback`). Feeders go through
`actions.save_answer`, so a fed value is audited like a typed one, and a figure the module does not
have is left unanswered, never invented."""

from collections.abc import Callable

from django.db import transaction

from .models import Campaign

_feeders: dict[str, Callable] = {}


def register(source: str, feeder: Callable) -> None:
    """`feeder(*, acting_user, submission) -> int` (answers saved)."""
    _feeders[source] = feeder


def registered() -> list[str]:
    return sorted(_feeders)


@transaction.atomic
def fill_campaign(*, acting_user, campaign: Campaign) -> dict[str, int]:
    """Fill every editable submission from every registered source; returns answers saved per source."""
    saved = {source: 0 for source in _feeders}
    for submission in campaign.submissions.select_related("unit", "campaign__framework"):
        if not submission.editable_by_unit:
            continue
        for source, feeder in _feeders.items():
            saved[source] += feeder(acting_user=acting_user, submission=submission)
    return saved
