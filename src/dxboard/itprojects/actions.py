"""Every change to the IT registry and its review: atomic, audited, permission-checked.

- The owner unit's officers create, change and delete their systems, data sets and links.
- The operator unit's officers (and the owner's) report usage figures.
- The standing office (admin) does all of that for every unit, and alone opens review campaigns and
  writes reviews. Owners are notified when their system's review is completed.
"""

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import can, is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message, choice_label
from dxboard.core.notify import notify

from .models import CRITERIA, MAX_SCORE, DataSet, Link, Review, ReviewCampaign, Stage, System, Verdict

# Fields an owner edits on the system form and in the Excel file (everything but bookkeeping).
SYSTEM_FIELDS = [
    "code", "name", "kind", "purpose", "function", "owner", "operator", "origin", "domain", "level", "stage",
    "go_live", "retired_on", "decision_number", "decision_date", "funding", "budget_approved", "budget_disbursed",
    "delivery", "contractor", "hosting", "security_level", "security_status", "security_decision",
    "security_assessed", "lgsp", "ndxp", "national_databases", "apis", "target_users", "monthly_active_users",
    "monthly_transactions", "incidents_year", "yearly_cost",
]
USAGE_FIELDS = ["monthly_active_users", "monthly_transactions", "incidents_year", "yearly_cost"]
REVIEW_FIELDS = [f for f, _l in CRITERIA] + ["findings", "verdict", "merge_with", "follow_up", "follow_up_deadline"]


class ActionError(ValueError):
    """A refused action, with a message in the language of whoever reads it; `field` names the System field
    a rule is about, so the Excel import can point at its column."""

    def __init__(self, message, field: str = ""):
        super().__init__(message)
        self.field = field


class NotAllowed(ActionError, PermissionError):
    pass


def _refuse(message: str, params: dict | None = None, cls=ActionError, field: str = ""):
    return cls(Message(message, params), field)


def _require(user, action: str, unit, model=System) -> None:
    if not can(user, action, unit, model):
        raise _refuse(gettext_noop("You may not do this for %(unit)s."), {"unit": unit}, NotAllowed)


def _require_admin(user) -> None:
    if not is_admin(user):
        raise _refuse(gettext_noop("Only the standing office may do this."), cls=NotAllowed)


def _officers(unit):
    return [m.user for m in Membership.objects.filter(unit=unit, role=Role.OFFICER).select_related("user")]


def check_system(system: System) -> None:
    """Rules a system must keep, whatever the way in (form, Excel, API). Raises ActionError."""
    if system.budget_disbursed is not None and system.budget_approved is not None \
            and system.budget_disbursed > system.budget_approved:
        raise _refuse(gettext_noop("The disbursed amount cannot exceed the approved budget."), field="budget_disbursed")
    if system.security_status == "approved" and system.security_level is None:
        raise _refuse(gettext_noop("An approved security level needs the level (1–5)."), field="security_level")
    if system.retired_on and system.go_live and system.retired_on < system.go_live:
        raise _refuse(gettext_noop("A system cannot be retired before it went live."), field="retired_on")
    if system.operator_id and system.operator_id == system.owner_id:
        system.operator = None


# -- systems ---------------------------------------------------------------------------------------
@transaction.atomic
def create_system(*, acting_user, **fields) -> System:
    system = System(**{k: v for k, v in fields.items() if k in SYSTEM_FIELDS or k == "is_demo"})
    _require(acting_user, "add", system.owner)
    check_system(system)
    system.save()
    record(actor=acting_user, action="itprojects.create_system", obj=system, after=snapshot(system))
    return system


@transaction.atomic
def update_system(*, acting_user, system: System, **fields) -> System:
    system = System.objects.select_for_update().get(pk=system.pk)
    _require(acting_user, "change", system.owner)
    before = snapshot(system)
    for key, value in fields.items():
        if key not in SYSTEM_FIELDS:
            raise _refuse(gettext_noop("Unknown field: %(field)s."), {"field": key})
        setattr(system, key, value)
    if system.owner_id != before["owner"]:
        _require(acting_user, "add", system.owner)
    check_system(system)
    after = snapshot(system)
    if after == before:
        return system
    system.save()
    record(actor=acting_user, action="itprojects.update_system", obj=system, before=before, after=after)
    return system


@transaction.atomic
def report_usage(*, acting_user, system: System, usage_date: datetime.date | None = None, **figures) -> System:
    """Usage figures, from the owner or the operator unit."""
    system = System.objects.select_for_update().get(pk=system.pk)
    if not System.objects.restrict(acting_user, "usage").filter(pk=system.pk).exists():
        raise _refuse(gettext_noop("You may not do this for %(unit)s."), {"unit": system.owner}, NotAllowed)
    before = snapshot(system)
    for key, value in figures.items():
        if key not in USAGE_FIELDS:
            raise _refuse(gettext_noop("Unknown field: %(field)s."), {"field": key})
        setattr(system, key, value)
    system.usage_updated = usage_date or timezone.localdate()
    system.save()
    record(actor=acting_user, action="itprojects.report_usage", obj=system, before=before, after=snapshot(system))
    return system


@transaction.atomic
def delete_system(*, acting_user, system: System) -> None:
    _require(acting_user, "delete", system.owner)
    before = snapshot(system)
    record(actor=acting_user, action="itprojects.delete_system", obj=system, before=before)
    system.delete()


# -- data sets and links ----------------------------------------------------------------------------
@transaction.atomic
def add_dataset(*, acting_user, system: System, name: str, personal_data: bool = False, note: str = "") -> DataSet:
    _require(acting_user, "change", system.owner)
    if not name.strip():
        raise _refuse(gettext_noop("Give the data set a name."))
    dataset, created = DataSet.objects.get_or_create(system=system, name=name.strip(),
                                                     defaults={"personal_data": personal_data, "note": note})
    if created:
        record(actor=acting_user, action="itprojects.add_dataset", obj=dataset, after=snapshot(dataset))
    return dataset


@transaction.atomic
def remove_dataset(*, acting_user, dataset: DataSet) -> None:
    _require(acting_user, "change", dataset.system.owner)
    record(actor=acting_user, action="itprojects.remove_dataset", obj=dataset, before=snapshot(dataset))
    dataset.delete()


@transaction.atomic
def add_link(*, acting_user, source: System, dataset: str, channel: str, target: System | None = None,
             target_name: str = "") -> Link:
    """Record that `source` shares `dataset` with `target` (any registered system) or an outside system."""
    _require(acting_user, "change", source.owner)
    if target is None and not target_name.strip():
        raise _refuse(gettext_noop("Choose the receiving system or name the outside system."))
    if target is not None and target.pk == source.pk:
        raise _refuse(gettext_noop("A system cannot send data to itself."))
    if not dataset.strip():
        raise _refuse(gettext_noop("Name the data set exchanged."))
    link = Link.objects.create(source=source, target=target, target_name="" if target else target_name.strip(),
                               dataset=dataset.strip(), channel=channel)
    record(actor=acting_user, action="itprojects.add_link", obj=link, after=snapshot(link))
    return link


@transaction.atomic
def remove_link(*, acting_user, link: Link) -> None:
    _require(acting_user, "change", link.source.owner)
    record(actor=acting_user, action="itprojects.remove_link", obj=link, before=snapshot(link))
    link.delete()


# -- review ------------------------------------------------------------------------------------------
@transaction.atomic
def open_review_campaign(*, acting_user, year: int, name: str, deadline: datetime.date,
                         is_demo: bool = False) -> ReviewCampaign:
    """Open the yearly review: one pending review for every system not retired."""
    _require_admin(acting_user)
    if ReviewCampaign.objects.filter(year=year).exists():
        raise _refuse(gettext_noop("There is already a review campaign for %(year)s."), {"year": year})
    campaign = ReviewCampaign.objects.create(year=year, name=name, deadline=deadline, is_demo=is_demo)
    Review.objects.bulk_create([Review(campaign=campaign, system=s)
                                for s in System.objects.exclude(stage=Stage.RETIRED)])
    record(actor=acting_user, action="itprojects.open_review_campaign", obj=campaign, after=snapshot(campaign))
    return campaign


@transaction.atomic
def add_to_campaign(*, acting_user, campaign: ReviewCampaign, system: System) -> Review:
    _require_admin(acting_user)
    review, created = Review.objects.get_or_create(campaign=campaign, system=system)
    if created:
        record(actor=acting_user, action="itprojects.add_review", obj=review, after=snapshot(review))
    return review


@transaction.atomic
def add_missing_to_campaign(*, acting_user, campaign: ReviewCampaign) -> int:
    """Add the systems registered since the campaign opened (not retired); returns how many."""
    _require_admin(acting_user)
    missing = System.objects.exclude(stage=Stage.RETIRED).exclude(reviews__campaign=campaign)
    return sum(1 for system in missing if add_to_campaign(acting_user=acting_user, campaign=campaign, system=system))


@transaction.atomic
def save_review(*, acting_user, review: Review, complete: bool = False, **fields) -> Review:
    """Scores, findings, verdict and follow-up; `complete=True` marks the review done (needs a verdict)
    and notifies the owner unit's officers."""
    _require_admin(acting_user)
    review = Review.objects.select_for_update().select_related("campaign", "system__owner").get(pk=review.pk)
    if review.campaign.status != ReviewCampaign.Status.OPEN:
        raise _refuse(gettext_noop("This review campaign is closed."))
    before = snapshot(review)
    for key, value in fields.items():
        if key not in REVIEW_FIELDS:
            raise _refuse(gettext_noop("Unknown field: %(field)s."), {"field": key})
        if key.startswith("score_") and value is not None and not 0 <= int(value) <= MAX_SCORE:
            raise _refuse(gettext_noop("Scores run from 0 to %(max)s."), {"max": MAX_SCORE})
        setattr(review, key, value)
    if review.verdict == Verdict.MERGE and review.merge_with_id is None:
        raise _refuse(gettext_noop("A merge verdict needs the system to merge with."))
    if review.merge_with_id == review.system_id:
        raise _refuse(gettext_noop("A system cannot be merged with itself."))
    if review.verdict in (Verdict.UPGRADE, Verdict.MERGE, Verdict.RETIRE) and complete and (
            not review.follow_up.strip() or review.follow_up_deadline is None):
        raise _refuse(gettext_noop("A verdict other than keep needs a follow-up and its deadline."))
    if complete:
        if not review.verdict:
            raise _refuse(gettext_noop("Give a verdict before completing the review."))
        review.status = Review.Status.DONE
        review.reviewed_by = acting_user
        review.reviewed_at = timezone.now()
    elif review.status == Review.Status.PENDING:
        review.status = Review.Status.DRAFT
    review.save()
    record(actor=acting_user, action="itprojects.complete_review" if complete else "itprojects.save_review",
           obj=review, before=before, after=snapshot(review))
    if complete:
        notify(_officers(review.system.owner),
               Message(gettext_noop("Review of %(system)s: %(verdict)s"),
                         {"system": review.system.name, "verdict": choice_label(review, "verdict")}),
               review.findings, reverse("itprojects:system", args=[review.system.pk]))
    return review


@transaction.atomic
def close_review_campaign(*, acting_user, campaign: ReviewCampaign) -> ReviewCampaign:
    _require_admin(acting_user)
    before = snapshot(campaign)
    campaign.status = ReviewCampaign.Status.CLOSED
    campaign.save(update_fields=["status"])
    record(actor=acting_user, action="itprojects.close_review_campaign", obj=campaign, before=before,
           after=snapshot(campaign))
    return campaign


def follow_up_payload(review: Review) -> dict | None:
    """What a steering task made from this review's follow-up would carry (the hook for the steering
    app): title, text, lead unit (the system's owner), deadline and a link back. None when there is no
    follow-up to steer (a "keep" verdict without follow-up text)."""
    if not review.follow_up.strip():
        return None
    verdict = review.get_verdict_display() if review.verdict else ""
    return {
        "title": f"{review.system.name}: {verdict}".strip(": ") if verdict else review.system.name,
        "text": review.follow_up,
        "lead_unit": review.system.owner,
        "deadline": review.follow_up_deadline,
        "source": "itprojects.review",
        "source_id": review.pk,
        "link": reverse("itprojects:review", args=[review.pk]),
    }


def steering_task_for(review: Review):
    """The steering task already made from this review's follow-up, if any (found by its code)."""
    from dxboard.steering.models import Task

    return Task.objects.filter(code=f"RS-HTTT-{review.pk}").first()


@transaction.atomic
def make_steering_task(*, acting_user, review: Review):
    """Turn the review's follow-up into a task of the steering programme, in the year's plan of review
    follow-ups (made on first use). Idempotent: a second call returns the same task."""
    from dxboard.steering import actions as steering
    from dxboard.steering.models import Plan
    from dxboard.units.models import Unit

    payload = follow_up_payload(review)
    if payload is None or payload["deadline"] is None:
        raise _refuse(gettext_noop("This review has no follow-up with a deadline to steer."))
    existing = steering_task_for(review)
    if existing is not None:
        return existing
    year = review.campaign.year
    title = f"Khắc phục sau rà soát hệ thống thông tin năm {year}"
    plan = Plan.objects.filter(title=title, year=year).first()
    if plan is None:
        province = Unit.objects.current().filter(kind="province").first()
        plan = steering.create_plan(acting_user=acting_user, unit=province, title=title, year=year,
                                    start=datetime.date(year, 1, 1), end=max(datetime.date(year, 12, 31),
                                                                             payload["deadline"]))
    return steering.create_task(acting_user=acting_user, plan=plan, title=payload["title"],
                                lead_unit=payload["lead_unit"], deadline=payload["deadline"],
                                code=f"RS-HTTT-{review.pk}", content=payload["text"],
                                expected_output=payload["link"])
