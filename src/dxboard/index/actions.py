"""Every state change of the index: atomic, audited, permission-checked, notifications after commit.

Workflow of a submission (illegal transitions are refused):
    draft → submitted → in_review → returned → resubmitted → in_review → accepted → finalised
"""

import copy
import datetime

from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import can, is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message, choice_label
from dxboard.core.notify import notify, notify_each
from dxboard.core.storage import files_follow_transaction, refused_when_full
from dxboard.core.uploads import check_upload

from . import preview, scoring
from .models import Answer, Appeal, Campaign, Evidence, Indicator, ResultSnapshot, Submission

S = Submission.Status
TRANSITIONS = {
    "submit": ({S.DRAFT}, S.SUBMITTED),
    "resubmit": ({S.RETURNED}, S.RESUBMITTED),
    "start_review": ({S.SUBMITTED, S.RESUBMITTED}, S.IN_REVIEW),
    "return": ({S.IN_REVIEW}, S.RETURNED),
    "accept": ({S.IN_REVIEW}, S.ACCEPTED),
    "finalise": ({S.ACCEPTED}, S.FINALISED),
}


class ActionError(ValueError):
    """A refused action, with a message for the person who tried it (in their language)."""


class NotAllowed(ActionError, PermissionError):
    pass


class Conflict(ActionError):
    """Somebody else saved the same answer since it was read (optimistic locking)."""


# one line per problem, each read in the reader's language when the refusal is shown
_lines = lazy(lambda parts: "\n".join(str(part) for part in parts), str)


def _refuse(message: str, params: dict | None = None, cls=ActionError):
    return cls(Message(message, params))


def _require(user, action: str, unit, model) -> None:
    if not can(user, action, unit, model):
        raise _refuse(gettext_noop("You may not do this for %(unit)s."), {"unit": unit}, NotAllowed)


def _transition(submission: Submission, name: str) -> str:
    sources, target = TRANSITIONS[name]
    if submission.status not in sources:
        raise _refuse(gettext_noop("A submission that is “%(status)s” cannot be moved to “%(target)s”."),
                      {"status": choice_label(submission, "status"), "target": S(target).label})
    return target


def _officers(unit):
    return [m.user for m in Membership.objects.filter(unit=unit, role=Role.OFFICER).select_related("user")]


def _officers_of(units) -> dict[int, list]:
    """The officers of many units in one query: {unit id: [users]} (a unit without officers is absent)."""
    found: dict[int, list] = {}
    for m in Membership.objects.filter(unit__in=units, role=Role.OFFICER).select_related("user"):
        found.setdefault(m.unit_id, []).append(m.user)
    return found


def _reviewers(unit):
    return [m.user for m in Membership.objects.filter(unit=unit, role=Role.REVIEWER).select_related("user")]


def _admins():
    return [m.user for m in Membership.objects.filter(role=Role.ADMIN).select_related("user")]


def _link(submission: Submission) -> str:
    return reverse("index:submission", args=[submission.pk])


# -- campaigns -------------------------------------------------------------------------------------
@transaction.atomic
def open_campaign(*, acting_user, campaign: Campaign) -> int:
    """Open a campaign: one submission per participating unit, one answer per applicable indicator."""
    if acting_user is not None and not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may open a campaign."), cls=NotAllowed)
    if campaign.status != Campaign.Status.DRAFT:
        raise _refuse(gettext_noop("This campaign is already open."))
    indicators = list(campaign.framework.indicators.filter(is_aggregate=False))
    created = 0
    for unit in campaign.units.all():
        submission, new = Submission.objects.get_or_create(campaign=campaign, unit=unit)
        if new:
            created += 1
            Answer.objects.bulk_create([Answer(submission=submission, indicator=i) for i in indicators
                                        if i.applies(unit.kind)])
    before = snapshot(campaign)
    campaign.status = Campaign.Status.OPEN
    campaign.save(update_fields=["status"])
    record(actor=acting_user, action="index.open_campaign", obj=campaign, before=before, after=snapshot(campaign))
    # every participating unit at once (a national campaign has 3,321 communes): e-mails through the queue
    officers = _officers_of(campaign.units.all())
    subject = Message(gettext_noop("Self-assessment open: %(name)s"), {"name": campaign.name})
    body = Message(gettext_noop("Please complete it before %(day)s."), {"day": campaign.closes.strftime("%d/%m/%Y")})
    notify_each((users, subject, body, "") for users in officers.values())
    return created


# -- self-assessment -------------------------------------------------------------------------------
# the number fields as a refusal names them to people (the keys are ours, not theirs)
NUMBER_FIELDS = {"value": gettext_noop("value"), "numerator": gettext_noop("numerator"),
                 "denominator": gettext_noop("denominator")}


def clean_inputs(indicator: Indicator, fields: dict) -> dict:
    """Check the inputs an indicator's rule needs; raise with the field named. Used by the form, the
    review, appeals and the Excel upload (which calls it per column to name the cell at fault)."""
    rule = indicator.rule or {}
    kind = rule.get("type")
    out = {k: fields.get(k) for k in ("value", "numerator", "denominator") if k in fields}
    for key, val in list(out.items()):
        if val in ("", None):
            out[key] = None
            continue
        try:
            out[key] = float(str(val).replace(",", "."))
        except ValueError as exc:
            raise _refuse(gettext_noop("%(code)s, field “%(field)s”: “%(value)s” is not a number."),
                          {"code": indicator.code, "field": Message(NUMBER_FIELDS[key]), "value": val}) from exc
        if out[key] < 0:
            raise _refuse(gettext_noop("%(code)s, field “%(field)s”: must not be negative."),
                          {"code": indicator.code, "field": Message(NUMBER_FIELDS[key])})
    if "choice" in fields:
        choice = (fields.get("choice") or "").strip()
        choices = [c for c, _p in rule.get("choices", [])]
        if choice and kind == "categorical" and choice not in choices:
            raise _refuse(gettext_noop("%(code)s: “%(value)s” is not one of the choices (%(choices)s)."),
                          {"code": indicator.code, "value": choice, "choices": ", ".join(choices)})
        out["choice"] = choice
    if kind == "binary" and out.get("value") not in (None, 0.0, 1.0):
        raise _refuse(gettext_noop("%(code)s: answer yes (1) or no (0)."), {"code": indicator.code})
    if kind == "fraction":
        num, den = out.get("numerator"), out.get("denominator")
        if num is not None and den is not None and (den == 0 or num > den):
            raise _refuse(gettext_noop("%(code)s: the numerator must not exceed the denominator, which must not be 0."),
                          {"code": indicator.code})
        if out.get("value") is not None and out["value"] > 1:
            raise _refuse(gettext_noop("%(code)s: a share is between 0 and 1."), {"code": indicator.code})
    return out


_clean_inputs = clean_inputs  # the former private name, kept for callers written before it was public


@transaction.atomic
def save_answer(*, acting_user, answer: Answer, expected_version: int, **fields) -> Answer:
    """Save a unit's answer. `expected_version` is the version the person read: if someone saved in
    between, nothing is written and Conflict is raised."""
    submission = answer.submission
    _require(acting_user, "change", submission.unit, Answer)
    if not submission.editable_by_unit:
        raise _refuse(gettext_noop("This submission is “%(status)s” and can no longer be changed."),
                      {"status": choice_label(submission, "status")})
    if answer.indicator.source not in ("", "self") and not is_admin(acting_user):
        # KPI, tasks, IT registry, feedback and survey figures come from their modules or, until a
        # module feeds them, from the standing office: never from the unit being assessed.
        raise _refuse(gettext_noop("%(code)s is filled by the standing office (source: %(source)s), not by the unit."),
                      {"code": answer.indicator.code, "source": choice_label(answer.indicator, "source")}, NotAllowed)
    if submission.status == S.RETURNED and answer.review != Answer.Review.RETURNED:
        raise _refuse(gettext_noop("%(code)s was not returned by the reviewer and cannot be changed."),
                      {"code": answer.indicator.code})
    changes = clean_inputs(answer.indicator, fields)
    if "state" in fields:
        state = fields["state"] or Answer.State.ANSWERED
        if state not in Answer.State.values:
            raise _refuse(gettext_noop("Unknown state “%(value)s”."), {"value": state})
        changes["state"] = state
    for key in ("comment", "na_reason"):
        if key in fields:
            changes[key] = (fields[key] or "").strip()
    if changes.get("state", answer.state) == Answer.State.NOT_APPLICABLE and not changes.get("na_reason",
                                                                                              answer.na_reason):
        raise _refuse(gettext_noop("%(code)s: give the reason it does not apply."), {"code": answer.indicator.code})
    before = snapshot(answer)
    # The points preview of the answer as it will be, written by the same UPDATE (one statement)
    planned = copy.copy(answer)
    for key, val in changes.items():
        setattr(planned, key, val)
    self_points = preview.direct_points(planned, submission)
    known = {} if self_points is preview.UNKNOWN else {"self_points": self_points}
    updated = Answer.objects.filter(pk=answer.pk, version=expected_version).update(
        **changes, **known, version=F("version") + 1, updated_by=acting_user, updated=timezone.now())
    if not updated:
        raise _refuse(gettext_noop("%(code)s was changed by someone else meanwhile. Reload to see their value; "
                                   "nothing of yours was saved."), {"code": answer.indicator.code}, Conflict)
    # the stored row (its own fields only: the submission, unit and indicator already read stay cached)
    answer.refresh_from_db(fields=_ANSWER_OWN_FIELDS)
    if not known or any(getattr(answer, f) != getattr(planned, f) for f in _POINTS_INPUTS):
        # the engine's case (it reads the stored answers), or an input changed by a writer that does
        # not bump the version: score what is stored
        answer.self_points = preview.answer_points(answer, submission)
        Answer.objects.filter(pk=answer.pk).update(self_points=answer.self_points)
    record(actor=acting_user, action="index.save_answer", obj=answer, before=before, after=snapshot(answer))
    return answer


_ANSWER_OWN_FIELDS = [f.attname for f in Answer._meta.concrete_fields
                      if f.attname not in ("id", "submission_id", "indicator_id")]
_POINTS_INPUTS = ("state", "value", "numerator", "denominator", "choice")


@files_follow_transaction()
@transaction.atomic
def attach_evidence(*, acting_user, answer: Answer, upload, summary: str, document_number: str = "",
                    document_date: datetime.date | None = None, issuer: str = "") -> Evidence:
    submission = answer.submission
    _require(acting_user, "change", submission.unit, Evidence)
    if not submission.editable_by_unit:
        raise _refuse(gettext_noop("This submission is “%(status)s” and can no longer be changed."),
                      {"status": choice_label(submission, "status")})
    if not summary.strip():
        raise _refuse(gettext_noop("Evidence needs a summary (trích yếu)."))
    checked = check_upload(upload)
    with refused_when_full(_refuse):
        evidence = Evidence.objects.create(
            answer=answer, summary=summary.strip()[:500], document_number=document_number.strip(),
            document_date=document_date, issuer=issuer.strip(), file=checked.content,
            original_name=checked.original_name, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, uploaded_by=acting_user)
    record(actor=acting_user, action="index.attach_evidence", obj=evidence, after=snapshot(evidence))
    return evidence


@transaction.atomic
def remove_evidence(*, acting_user, evidence: Evidence) -> None:
    submission = evidence.answer.submission
    _require(acting_user, "change", submission.unit, Evidence)
    if not submission.editable_by_unit:
        raise _refuse(gettext_noop("This submission is “%(status)s” and can no longer be changed."),
                      {"status": choice_label(submission, "status")})
    record(actor=acting_user, action="index.remove_evidence", obj=evidence, before=snapshot(evidence))
    stored = evidence.file.name
    evidence.delete()
    storage = Evidence._meta.get_field("file").storage
    transaction.on_commit(lambda: storage.delete(stored))


def missing_items(submission: Submission) -> list[str]:
    """What stops a submission: self-assessed indicators unanswered, or claiming points without evidence."""
    problems = []
    answers = submission.answers.select_related("indicator").prefetch_related("evidence")
    for answer in answers:
        indicator = answer.indicator
        if indicator.source not in ("self", ""):
            continue
        if not answer.is_answered:
            problems.append(Message(gettext_noop("%(code)s is not answered."), {"code": indicator.code}))
        elif (answer.state == Answer.State.ANSWERED and indicator.evidence and (answer.self_points or 0) > 0
              and not answer.evidence.all()):
            problems.append(Message(gettext_noop("%(code)s claims points but has no evidence attached."),
                                      {"code": indicator.code}))
    return problems


@transaction.atomic
def submit(*, acting_user, submission: Submission) -> Submission:
    _require(acting_user, "change", submission.unit, Submission)
    name = "resubmit" if submission.status == S.RETURNED else "submit"
    target = _transition(submission, name)
    if submission.campaign.status != Campaign.Status.OPEN and name == "submit":
        raise _refuse(gettext_noop("The campaign is not open for self-assessment."))
    problems = missing_items(submission)
    if problems:
        raise ActionError(_lines(problems))
    before = snapshot(submission)
    submission.status = target
    submission.submitted_at = timezone.now()
    submission.save(update_fields=["status", "submitted_at", "updated"])
    if name == "resubmit":
        submission.answers.filter(review=Answer.Review.RETURNED).update(review=Answer.Review.PENDING)
    record(actor=acting_user, action=f"index.{name}", obj=submission, before=before, after=snapshot(submission))
    notify(_reviewers(submission.unit), Message(gettext_noop("%(unit)s submitted its self-assessment"),
                                                  {"unit": submission.unit.name}), link=_link(submission))
    return submission


# -- review ---------------------------------------------------------------------------------------
@transaction.atomic
def start_review(*, acting_user, submission: Submission) -> Submission:
    _require(acting_user, "review", submission.unit, Submission)
    before = snapshot(submission)
    submission.status = _transition(submission, "start_review")
    submission.save(update_fields=["status", "updated"])
    record(actor=acting_user, action="index.start_review", obj=submission, before=before, after=snapshot(submission))
    return submission


@transaction.atomic
def review_answer(*, acting_user, answer: Answer, decision: str, note: str = "", **verified) -> Answer:
    """Accept, adjust (with the verified inputs), return (asking for more evidence) or reject one answer."""
    submission = answer.submission
    _require(acting_user, "review", submission.unit, Answer)
    if submission.status != S.IN_REVIEW:
        raise _refuse(gettext_noop("Start the review before deciding on answers."))
    if decision not in (Answer.Review.ACCEPTED, Answer.Review.ADJUSTED, Answer.Review.RETURNED,
                        Answer.Review.REJECTED):
        raise _refuse(gettext_noop("Unknown decision “%(value)s”."), {"value": decision})
    if decision != Answer.Review.ACCEPTED and not note.strip():
        raise _refuse(gettext_noop("%(code)s: give a reason (or the evidence you need)."),
                      {"code": answer.indicator.code})
    before = snapshot(answer)
    answer.review, answer.review_note, answer.reviewed_by = decision, note.strip(), acting_user
    if decision == Answer.Review.ADJUSTED:
        cleaned = clean_inputs(answer.indicator, verified)
        answer.verified_value = cleaned.get("value")
        answer.verified_numerator = cleaned.get("numerator")
        answer.verified_denominator = cleaned.get("denominator")
        answer.verified_choice = cleaned.get("choice", "")
    answer.save()
    # the reviewed answer's verified points (the engine's numbers, computed for this one answer)
    points = preview.answer_points(answer, submission, scoring.VERIFIED)
    Answer.objects.filter(pk=answer.pk).update(verified_points=points)
    record(actor=acting_user, action="index.review_answer", obj=answer, before=before, after=snapshot(answer))
    return answer


@transaction.atomic
def accept_answers_with_evidence(*, acting_user, submission: Submission) -> tuple[int, int]:
    """Accept, in one step, every answer still waiting for review that has evidence attached; answers
    without evidence are left for the reviewer to decide one by one. Returns (accepted, skipped); each
    acceptance is audited like a single decision."""
    waiting = list(submission.answers.filter(review=Answer.Review.PENDING)
                   .select_related("indicator", "submission__unit").prefetch_related("evidence"))
    accepted = 0
    for answer in waiting:
        if answer.evidence.all():
            review_answer(acting_user=acting_user, answer=answer, decision=Answer.Review.ACCEPTED)
            accepted += 1
    return accepted, len(waiting) - accepted


@transaction.atomic
def return_submission(*, acting_user, submission: Submission) -> Submission:
    _require(acting_user, "review", submission.unit, Submission)
    target = _transition(submission, "return")
    returned = list(submission.answers.filter(review=Answer.Review.RETURNED).select_related("indicator"))
    if not returned:
        raise _refuse(gettext_noop("Mark at least one indicator as needing more evidence before returning."))
    before = snapshot(submission)
    submission.status = target
    submission.save(update_fields=["status", "updated"])
    record(actor=acting_user, action="index.return", obj=submission, before=before, after=snapshot(submission))
    body = "\n".join(f"{a.indicator.code}: {a.review_note}" for a in returned)
    notify(_officers(submission.unit), Message(gettext_noop("Self-assessment returned for more evidence: %(name)s"),
                                                 {"name": submission.campaign.name}), body, _link(submission))
    return submission


@transaction.atomic
def accept_submission(*, acting_user, submission: Submission) -> Submission:
    _require(acting_user, "review", submission.unit, Submission)
    target = _transition(submission, "accept")
    open_items = submission.answers.filter(review__in=[Answer.Review.PENDING, Answer.Review.RETURNED]).count()
    if open_items:
        raise _refuse(gettext_noop("%(n)s answers still wait for a decision."), {"n": open_items})
    before = snapshot(submission)
    submission.status = target
    submission.save(update_fields=["status", "updated"])
    record(actor=acting_user, action="index.accept", obj=submission, before=before, after=snapshot(submission))
    notify(_officers(submission.unit), Message(gettext_noop("Self-assessment accepted: %(name)s"),
                                                 {"name": submission.campaign.name}), link=_link(submission))
    return submission


# -- results --------------------------------------------------------------------------------------
@transaction.atomic
def compute_results(*, acting_user, campaign: Campaign, basis: str = scoring.VERIFIED,
                    official: bool = False) -> ResultSnapshot:
    """Run the engine on the campaign and keep the run as an immutable snapshot; reruns on the same
    inputs return the existing snapshot."""
    from .results import build_snapshot

    if acting_user is not None and not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may compute results."), cls=NotAllowed)
    if not campaign.submissions.exclude(status=Submission.Status.DRAFT).exists():
        raise _refuse(gettext_noop("No unit has sent its self-assessment yet: there is nothing to rank."))
    snapshot_obj, created = build_snapshot(campaign, basis, acting_user)
    if official:
        before = snapshot(campaign)
        campaign.official = snapshot_obj
        campaign.save(update_fields=["official"])
        record(actor=acting_user, action="index.set_official_result", obj=campaign, before=before,
               after=snapshot(campaign))
    if created:
        record(actor=acting_user, action="index.compute_results", obj=snapshot_obj,
               after={"inputs_sha256": snapshot_obj.inputs_sha256, "basis": basis})
    return snapshot_obj


@transaction.atomic
def request_recompute(*, acting_user, campaign: Campaign, basis: str = scoring.VERIFIED):
    """Queue a recomputation of the official result for the worker (`index.recompute`, see jobs.py).
    Until it has run, the current official result is what every page serves."""
    from dxboard.jobs.models import Job
    from dxboard.jobs.queue import enqueue

    from .jobs import RECOMPUTE

    if not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may compute results."), cls=NotAllowed)
    if campaign.official_id is None:
        raise _refuse(gettext_noop("This campaign has no official result to recompute yet."))
    waiting = Job.objects.filter(kind=RECOMPUTE, status=Job.Status.QUEUED, payload__campaign=campaign.pk).first()
    if waiting is not None:
        return waiting
    job, _created = enqueue(RECOMPUTE, {"campaign": campaign.pk, "basis": basis, "user": acting_user.pk},
                            requested_by=acting_user)
    record(actor=acting_user, action="index.request_recompute", obj=campaign,
           after={"job": job.pk, "basis": basis, "official": campaign.official_id})
    return job


@transaction.atomic
def publish_provisional(*, acting_user, campaign: Campaign, appeal_days: int = 7) -> ResultSnapshot:
    """Close the review: provisional results become official-for-now and the appeal window opens."""
    if acting_user is not None and not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may do this."), cls=NotAllowed)
    # a unit that never sent its form does not hold the others back: it is listed apart, not ranked
    waiting = campaign.submissions.exclude(status__in=[S.ACCEPTED, S.DRAFT]).count()
    if waiting:
        raise _refuse(gettext_noop("%(n)s submissions are not yet accepted."), {"n": waiting})
    result = compute_results(acting_user=acting_user, campaign=campaign, official=True)
    before = snapshot(campaign)
    campaign.status = Campaign.Status.PROVISIONAL
    campaign.appeal_until = timezone.localdate() + datetime.timedelta(days=appeal_days)
    campaign.save(update_fields=["status", "appeal_until"])
    record(actor=acting_user, action="index.publish_provisional", obj=campaign, before=before, after=snapshot(campaign))
    officers = _officers_of(campaign.units.all())
    subject = Message(gettext_noop("Provisional results: %(name)s"), {"name": campaign.name})
    body = Message(gettext_noop("Appeals are open until %(day)s."),
                     {"day": campaign.appeal_until.strftime("%d/%m/%Y")})
    notify_each((officers.get(submission.unit_id, []), subject, body, _link(submission))
                for submission in campaign.submissions.all())
    return result


@transaction.atomic
def file_appeal(*, acting_user, answer: Answer, text: str) -> Appeal:
    submission = answer.submission
    _require(acting_user, "change", submission.unit, Appeal)
    campaign = submission.campaign
    if campaign.status != Campaign.Status.PROVISIONAL or (campaign.appeal_until
                                                           and timezone.localdate() > campaign.appeal_until):
        raise _refuse(gettext_noop("The appeal window is closed."))
    if not text.strip():
        raise _refuse(gettext_noop("State the grounds of the appeal."))
    appeal = Appeal.objects.create(submission=submission, answer=answer, text=text.strip(), filed_by=acting_user)
    record(actor=acting_user, action="index.file_appeal", obj=appeal, after=snapshot(appeal))
    notify(_admins(), Message(gettext_noop("Appeal from %(unit)s"), {"unit": submission.unit.name}), text)
    return appeal


@transaction.atomic
def decide_appeal(*, acting_user, appeal: Appeal, upheld: bool, decision: str, **verified) -> Appeal:
    """Uphold (the verified inputs are corrected) or dismiss an appeal. Results are recomputed at finalisation."""
    if not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may decide appeals."), cls=NotAllowed)
    if appeal.status != Appeal.Status.OPEN:
        raise _refuse(gettext_noop("This appeal has already been decided."))
    if not decision.strip():
        raise _refuse(gettext_noop("Write the decision."))
    before = snapshot(appeal)
    appeal.status = Appeal.Status.UPHELD if upheld else Appeal.Status.DISMISSED
    appeal.decision, appeal.decided_by = decision.strip(), acting_user
    appeal.save()
    if upheld:
        answer = appeal.answer
        cleaned = clean_inputs(answer.indicator, verified)
        answer.review, answer.review_note = Answer.Review.ADJUSTED, decision.strip()
        answer.verified_value = cleaned.get("value")
        answer.verified_numerator = cleaned.get("numerator")
        answer.verified_denominator = cleaned.get("denominator")
        answer.verified_choice = cleaned.get("choice", "")
        answer.save()
    record(actor=acting_user, action="index.decide_appeal", obj=appeal, before=before, after=snapshot(appeal))
    notify([appeal.filed_by], Message(gettext_noop("Your appeal was decided")), decision)
    return appeal


@transaction.atomic
def finalise_campaign(*, acting_user, campaign: Campaign) -> ResultSnapshot:
    if not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may finalise."), cls=NotAllowed)
    if campaign.status != Campaign.Status.PROVISIONAL:
        raise _refuse(gettext_noop("Publish provisional results before finalising."))
    if campaign.submissions.filter(appeals__status=Appeal.Status.OPEN).exists():
        raise _refuse(gettext_noop("Some appeals are still open."))
    result = compute_results(acting_user=acting_user, campaign=campaign, official=True)
    before = snapshot(campaign)
    campaign.status = Campaign.Status.FINALISED
    campaign.save(update_fields=["status"])
    campaign.submissions.filter(status=S.ACCEPTED).update(status=S.FINALISED)
    record(actor=acting_user, action="index.finalise", obj=campaign, before=before, after=snapshot(campaign))
    return result


@transaction.atomic
def publish(*, acting_user, campaign: Campaign) -> Campaign:
    """A leader approves publication: the portal then shows the official result."""
    if not (is_admin(acting_user) or Role.LEADER in {m.role for m in Membership.objects.filter(user=acting_user)}):
        raise _refuse(gettext_noop("Only a leader may approve publication."), cls=NotAllowed)
    if campaign.status != Campaign.Status.FINALISED or campaign.official is None:
        raise _refuse(gettext_noop("Only finalised results can be published."))
    before = snapshot(campaign)
    campaign.status = Campaign.Status.PUBLISHED
    campaign.published_by, campaign.published_at = acting_user, timezone.now()
    campaign.save(update_fields=["status", "published_by", "published_at"])
    record(actor=acting_user, action="index.publish", obj=campaign, before=before, after=snapshot(campaign))
    return campaign


@transaction.atomic
def create_campaign(*, acting_user, framework, name: str, period: str, unit_kind: str, opens, closes,
                    units=None) -> Campaign:
    """A campaign = framework × period × participating units (by default every unit of the kind in force)."""
    from dxboard.units.models import Unit

    if acting_user is not None and not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may create a campaign."), cls=NotAllowed)
    campaign = Campaign.objects.create(framework=framework, name=name, period=period, unit_kind=unit_kind,
                                       opens=opens, closes=closes, reminder_days=[7, 3, 1])
    if units is None:
        units = Unit.objects.as_of(opens).filter(kind=unit_kind)
    campaign.units.set(units)
    record(actor=acting_user, action="index.create_campaign", obj=campaign,
           after=snapshot(campaign) | {"units": campaign.units.count()})
    return campaign


@transaction.atomic
def map_indicator(*, acting_user, old: Indicator, new: Indicator, note: str = ""):
    """Declare that `old` (an earlier version) is measured by `new`, so that years stay comparable."""
    from .models import IndicatorMapping

    if not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may map indicators."), cls=NotAllowed)
    if old.framework.code != new.framework.code or old.framework.version >= new.framework.version:
        raise _refuse(gettext_noop("Map an indicator of an earlier version to one of a later version of the same "
                                   "framework."))
    mapping, created = IndicatorMapping.objects.get_or_create(old=old, new=new, defaults={"note": note})
    if created:
        record(actor=acting_user, action="index.map_indicator", obj=mapping,
               after={"old": f"{old.framework}:{old.code}", "new": f"{new.framework}:{new.code}", "note": note})
    return mapping


@transaction.atomic
def set_grade_bands(*, acting_user, campaign: Campaign, bands: list) -> Campaign:
    """Grade bands as [[minimum score 0..1, label vi, label en], …]."""
    if not is_admin(acting_user):
        raise _refuse(gettext_noop("Only the standing office may do this."), cls=NotAllowed)
    cleaned = []
    for row in bands:
        try:
            low = float(str(row[0]).replace(",", "."))
        except (ValueError, IndexError) as exc:
            raise _refuse(gettext_noop("Each grade needs a minimum score between 0 and 1.")) from exc
        if not 0 <= low <= 1 or not str(row[1]).strip():
            raise _refuse(gettext_noop("Each grade needs a minimum score between 0 and 1."))
        cleaned.append([low, str(row[1]).strip(), str(row[2]).strip() if len(row) > 2 else ""])
    before = snapshot(campaign)
    campaign.grade_bands = sorted(cleaned, key=lambda b: -b[0])
    campaign.save(update_fields=["grade_bands"])
    record(actor=acting_user, action="index.set_grade_bands", obj=campaign, before=before, after=snapshot(campaign))
    return campaign
