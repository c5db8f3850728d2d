"""State changes of citizen feedback: atomic, audited (without personal data), notifications on commit.

Citizens have no account: their actions pass `acting_user=None` and prove themselves with the report's
access key, checked by the views.
"""

import contextlib
import datetime
import hashlib
import json
import re
import secrets

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from dxboard.accounts.models import Membership, Role
from dxboard.accounts.permissions import can, is_admin
from dxboard.audit.log import record, snapshot
from dxboard.core.i18n import Message, named
from dxboard.core.notify import notify
from dxboard.core.storage import files_follow_transaction, refused_when_full
from dxboard.core.uploads import UploadError, check_upload
from dxboard.units.models import Unit

from . import basemap, deadlines, limits, notices, video
from .models import (
    HANDLING_STATUSES,
    Answer,
    ApiClient,
    Assignment,
    Category,
    ConsentVersion,
    Extension,
    PersonalData,
    Photo,
    Rating,
    Report,
    ReportEvent,
    RoutingRule,
    Status,
)

MAX_PHOTOS = 5
MAX_DESCRIPTION = 4000
REOPEN_DAYS = getattr(settings, "FEEDBACK_REOPEN_DAYS", 7)
# Citizens' photos are kept at most this many pixels on the long side: enough to see a pothole or a sign,
# and re-encoding a 12-megapixel phone photo at full size costs ~0.6 s of CPU (8 a second needs less).
PHOTO_MAX_EDGE = 2000
PRIVATE_FIELDS = {"device_hash", "ip_hash", "access_key", "idempotency_key", "body_hash", "token"}


class FeedbackError(ValueError):
    """A rule refused the change; the message is in the language of whoever reads it."""

    status = 400

    def __init__(self, message: str, params: dict | None = None):
        super().__init__(Message(message, params))


class IdempotencyConflict(FeedbackError):
    status = 409


class RateLimited(FeedbackError):
    status = 429


class StorageFailed(FeedbackError):
    """The files could not be written (a full disk): nothing was stored; the phone may retry later."""

    status = 503


def _save_photo(**fields) -> Photo:
    with refused_when_full(StorageFailed):
        return Photo.objects.create(**fields)


def _snap(report: Report) -> dict:
    return {k: v for k, v in snapshot(report).items() if k not in PRIVATE_FIELDS}


def _hash(value: str) -> str:
    return hashlib.sha256(f"{settings.SECRET_KEY}:{value}".encode()).hexdigest() if value else ""


def is_intake(user) -> bool:
    """The intake office (standing office) classifies, routes, moderates and alone sees the reporter."""
    return bool(user and user.is_authenticated) and (is_admin(user) or user.has_perm("feedback.intake_report"))


def visible_reports(user):
    if is_intake(user):
        return Report.objects.all()
    return Report.objects.restrict(user, "view")


def can_handle(user, report: Report) -> bool:
    return report.unit_id is not None and can(user, "change", report.unit, Report)


def _event(report, kind, *, actor=None, unit=None, note="", internal_note="", public=True):
    """A history entry: `note` is read by the citizen, `internal_note` only by the office."""
    return ReportEvent.objects.create(report=report, kind=kind, actor=actor, unit=unit, note=note,
                                      internal_note=internal_note, public=public)


def _office_link(report) -> str:
    return reverse("feedback:office", args=[report.pk])


def _officers(unit, roles=(Role.OFFICER,)):
    return [m.user for m in Membership.objects.filter(unit=unit, role__in=roles).select_related("user")]


def _tell_reporters(report: Report, subject: Message, body) -> None:
    """E-mail the reporter (and the reporters of merged duplicates) who left an address. A citizen has no
    account and so no language of their own: the mail speaks the platform's (Vietnamese)."""
    reports = [report, *report.duplicates.all()]
    emails = sorted({p.email for p in PersonalData.objects.filter(report__in=reports) if p.email})
    if not emails:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject, body = str(subject), str(body)

    def send():
        with contextlib.suppress(OSError):  # the answer stands even if the mail relay is down
            send_mail(subject, body, None, emails)

    transaction.on_commit(send)


def _intake_office():
    return [m.user for m in Membership.objects.filter(role=Role.ADMIN).select_related("user")]


def _tell_intake(report: Report) -> None:
    """Notify the intake office of a new report: in the platform, and by e-mail through the job queue so
    that the citizen's request never waits for the mail relay. After the report's commit, in a transaction
    of its own (the report stands even if this fails; the office sees it in the queue anyway)."""
    with transaction.atomic():
        notify(_intake_office(), notices.subject(report), notices.excerpt(report),
               _office_link(report), mail_by_queue=True)


# -- submission ------------------------------------------------------------------------------------
def body_hash(fields: dict, photo_bytes: list[bytes]) -> str:
    canonical = json.dumps({k: "" if v is None else str(v) for k, v in sorted(fields.items())}, ensure_ascii=False)
    digest = hashlib.sha256(canonical.encode())
    for data in photo_bytes:
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


# Tracking codes are random, so knowing one code tells nothing of another (the sequential PAKN.YYYYMMDD.NNNN
# codes given before stay valid: lookups are by the whole code). No 0/O, 1/I/L: read aloud or typed from paper
# without mistakes. 31**8 ≈ 8.5e11 codes; uniqueness is checked here and guaranteed by the unique column.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def new_code() -> str:
    while True:
        chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"PAKN.{chars[:4]}.{chars[4:]}"
        if not Report.objects.filter(code=code).exists():
            return code


SPAM = re.compile(r"https?://|www\.|(.)\1{9,}", re.IGNORECASE)


def submit(*, category: Category, description: str, idempotency_key: str, consent: ConsentVersion | None,
           latitude=None, longitude=None, commune=None, address: str = "", address_id: str = "",
           location_source: str = "", urgent: bool = False, attributes: dict | None = None,
           name: str = "", phone: str = "", email: str = "", photos=(), device_id: str = "", ip: str = "",
           source: str = "web", api_client: ApiClient | None = None) -> tuple[Report, bool]:
    """Store a citizen's report. The same idempotency key with the same body gives back the stored
    report (created=False); with another body it is an error. Photos are re-encoded (EXIF removed)."""
    idempotency_key = (idempotency_key or "").strip()[:100]
    if not idempotency_key:
        raise FeedbackError(gettext_noop("The submission has no idempotency key."))
    raw = []
    for upload in photos:
        upload.seek(0)
        raw.append(upload.read())
        upload.seek(0)
    fields = {"category": category.code, "description": description.strip(), "lat": latitude, "lon": longitude,
              "commune": commune.pk if commune else None, "address": address.strip(), "address_id": address_id,
              "urgent": bool(urgent), "attributes": json.dumps(attributes or {}, sort_keys=True),
              "name": name.strip(), "phone": phone.strip(), "email": email.strip()}
    digest = body_hash(fields, raw)
    existing = Report.objects.filter(idempotency_key=idempotency_key).only("code", "access_key", "body_hash").first()
    if existing is not None:
        if existing.body_hash != digest:
            raise IdempotencyConflict(gettext_noop("This idempotency key was already used for another report."))
        return existing, False
    if consent is None:
        raise FeedbackError(gettext_noop("Please agree to the processing of your personal data."))
    if not description.strip():
        raise FeedbackError(gettext_noop("Please describe the problem."))
    if len(description) > MAX_DESCRIPTION:
        raise FeedbackError(gettext_noop("The description is longer than %(n)s characters."), {"n": MAX_DESCRIPTION})
    if len(raw) > MAX_PHOTOS:
        raise FeedbackError(gettext_noop("At most %(n)s photos."), {"n": MAX_PHOTOS})
    if category.on_site and not raw:
        raise FeedbackError(gettext_noop("An on-site report needs at least one photo or a video."))
    has_point = latitude is not None and longitude is not None
    if has_point and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise FeedbackError(gettext_noop("The location is not a valid latitude and longitude."))
    if not (has_point or commune or address.strip() or address_id):
        raise FeedbackError(gettext_noop("Please give a location: your position, a point, or a commune and address."))
    if commune is None and has_point:
        # A point without a commune (GPS, the map, Open311's lat/long): the commune whose cell holds it,
        # so that routing by commune works; none when the point is outside the province.
        found = basemap.nearest_commune(latitude, longitude)
        commune = Unit.objects.filter(pk=found).first() if found else None
    device_hash, ip_hash = _hash(device_id), _hash(ip)
    videos = [data for data in raw if video.is_video(data)]
    if videos and len(raw) > 1:
        raise FeedbackError(gettext_noop("Send up to 5 photos or one short video, not both."))
    checked = []
    for upload, data in zip(photos, raw, strict=True):
        try:
            checked.append(video.check_video(upload) if video.is_video(data)
                           else check_upload(upload, allowed=("jpeg", "png"), max_edge=PHOTO_MAX_EDGE))
        except UploadError as exc:
            raise FeedbackError(str(exc)) from exc
    now = timezone.now()
    for _attempt in range(5):
        try:
            with files_follow_transaction(), transaction.atomic():
                report = Report.objects.create(
                    code=new_code(), access_key=secrets.token_urlsafe(18), idempotency_key=idempotency_key,
                    body_hash=digest, category=category, description=description.strip(),
                    attributes=attributes or {}, address=address.strip()[:300], address_id=address_id[:40],
                    commune=commune, latitude=latitude, longitude=longitude, location_source=location_source,
                    urgent=urgent, flagged=bool(SPAM.search(description)), source=source, api_client=api_client,
                    device_hash=device_hash, ip_hash=ip_hash)
                PersonalData.objects.create(report=report, name=name.strip()[:200], phone=phone.strip()[:30],
                                            email=email.strip()[:254], consent=consent, consent_at=now)
                for item in checked:
                    _save_photo(report=report, file=item.content, original_name=item.original_name,
                                content_type=item.content_type, sha256=item.sha256)
                _event(report, "received")
                # The limits next to last, under their keys' row locks (held to the commit, so kept short):
                # parallel submissions from one device or address count one after another.
                refused = limits.refusal(device_hash=device_hash, ip_hash=ip_hash,
                                         api_client_id=api_client.pk if api_client else None)
                if refused:
                    raise RateLimited(refused)  # rolls the report back, its photo files with it
                record(actor=None, action="feedback.submit", obj=report, after=_snap(report))
        except IntegrityError:
            same = Report.objects.filter(idempotency_key=idempotency_key).first()
            if same is not None:  # a concurrent retry won the race
                if same.body_hash != digest:
                    raise IdempotencyConflict(
                        gettext_noop("This idempotency key was already used for another report.")) from None
                return same, False
            continue  # the same random code drawn at the same time: draw again
        else:
            _tell_intake(report)
            return report, True
    raise FeedbackError(gettext_noop("The report could not be stored; please try again."))


@transaction.atomic
def classify(report: Report, category: Category, *, acting_user) -> Report:
    """The intake office corrects the category the citizen chose (it decides the deadline and routing)."""
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office classifies reports."))
    if not report.is_open:
        raise FeedbackError(gettext_noop("Only an open report can be classified."))
    before = _snap(report)
    old = report.category
    report.category = category
    report.save()
    _event(report, "classified", actor=acting_user, note=f"{old.name} → {category.name}")
    record(actor=acting_user, action="feedback.classify", obj=report, before=before, after=_snap(report))
    return report


# -- routing ---------------------------------------------------------------------------------------
def rule_unit(category, commune):
    """The unit a routing rule names: category × commune, then category alone, then commune alone."""
    rules = RoutingRule.objects.select_related("unit")
    for cat, com in ((category, commune), (category, None), (None, commune)):
        if cat is None and com is None:
            continue
        rule = rules.filter(category=cat, commune=com).first()
        if rule:
            return rule.unit
    return None


def _close_assignment(report: Report, outcome: str, now) -> Assignment | None:
    current = report.assignments.filter(outcome=Assignment.Outcome.OPEN).last()
    if current is not None:
        if report.paused_at:
            current.paused_seconds += int((now - report.paused_at).total_seconds())
        current.outcome = outcome
        current.ended_at = now
        current.save()
    return current


def _citizen_deadline(report: Report, now, was_urgent: bool | None = None) -> datetime.datetime:
    """The deadline the citizen was given: counted once, at the first routing, and moved only by approved
    extensions and paused time. Re-routing never restarts it: a unit's mistake is not the citizen's wait.
    When the intake office changes the urgency (`was_urgent` is the old one), it is counted again from the
    first routing with the new urgency, keeping what extensions and pauses had added."""
    if report.deadline is None:
        return deadlines.deadline_for(report.category, report.urgent, now)
    deadline = report.deadline
    if was_urgent is not None and was_urgent != report.urgent:
        first = report.assignments.order_by("assigned_at", "pk").first()
        start = first.assigned_at if first else now
        added = deadline - deadlines.deadline_for(report.category, was_urgent, start)
        deadline = deadlines.deadline_for(report.category, report.urgent, start) + added
    if report.paused_at:  # the pause ends here: the deadline moves by it, as resume() does
        deadline += now - report.paused_at
    return deadline


@transaction.atomic
def route(report: Report, unit, *, acting_user, note: str = "", suggested_unit=None, confidence=None,
          urgent: bool | None = None) -> Report:
    """Send the report to a handling unit: the intake office alone (a unit that finds the report is not
    its business returns it, `return_to_intake`). Routing an already routed report is a re-route: the
    previous unit's stay ends as `rerouted` and still counts in its figures; the deadline stays the
    citizen's (`_citizen_deadline`)."""
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office routes reports; a handling unit returns a "
                                         "report to the intake office instead."))
    if not report.is_open:
        raise FeedbackError(gettext_noop("Only an open report can be routed."))
    if report.unit_id == unit.pk:
        raise FeedbackError(gettext_noop("The report is already with this unit."))
    before = _snap(report)
    now = timezone.now()
    was_urgent = report.urgent
    if urgent is not None:
        report.urgent = urgent
    deadline = _citizen_deadline(report, now, was_urgent)
    again = report.assignments.exists()  # a re-route, also of a report a unit returned (no stay open then)
    _close_assignment(report, Assignment.Outcome.REROUTED, now)
    Assignment.objects.create(report=report, unit=unit, assigned_at=now, deadline=deadline,
                              suggested_unit=suggested_unit, suggestion_confidence=confidence,
                              assigned_by=acting_user)
    report.unit, report.status, report.deadline, report.paused_at = unit, Status.ROUTED, deadline, None
    report.save()
    _event(report, "rerouted" if again else "routed", actor=acting_user, unit=unit, internal_note=note)
    record(actor=acting_user, action="feedback.reroute" if again else "feedback.route", obj=report,
           before=before, after=_snap(report))
    notify(_officers(unit), notices.subject(report), notices.excerpt(report),
           _office_link(report))
    return report


@transaction.atomic
def return_to_intake(report: Report, *, acting_user, reason: str) -> Report:
    """The handling unit finds the report is not its business: it goes back to the intake office's queue
    with the unit's reason (for the office, not the citizen), and the office routes it again. The unit's
    stay ends as `returned`, counted like a re-route in its figures; the citizen's deadline runs on."""
    if not can_handle(acting_user, report):
        raise FeedbackError(gettext_noop("Only the handling unit returns a report to the intake office."))
    if report.status not in HANDLING_STATUSES:
        raise FeedbackError(gettext_noop("This report is not being handled."))
    reason = reason.strip()
    if not reason:
        raise FeedbackError(gettext_noop("Please give the reason for returning the report to the intake office."))
    before = _snap(report)
    now = timezone.now()
    unit = report.unit
    deadline = _citizen_deadline(report, now)
    _close_assignment(report, Assignment.Outcome.RETURNED, now)
    report.unit, report.status, report.deadline, report.paused_at = None, Status.RECEIVED, deadline, None
    report.save()
    _event(report, "returned", actor=acting_user, unit=unit, internal_note=reason, public=False)
    record(actor=acting_user, action="feedback.return_to_intake", obj=report, before=before,
           after=_snap(report), unit=unit)
    notify(_intake_office(),
           Message(gettext_noop("%(code)s returned to the intake office by %(unit)s"),
                   {"code": report.code, "unit": named(unit.name, unit.name_en)}),
           reason[:300], _office_link(report))
    return report


def _require_handler(user, report):
    if not can_handle(user, report) and not is_intake(user):
        raise FeedbackError(gettext_noop("You may not handle this report."))
    if report.status not in HANDLING_STATUSES:
        raise FeedbackError(gettext_noop("This report is not being handled."))


def _first_response(report, now):
    current = report.assignments.filter(outcome=Assignment.Outcome.OPEN).last()
    if current and current.first_response_at is None:
        current.first_response_at = now
        current.save(update_fields=["first_response_at"])
    return current


@transaction.atomic
def start(report: Report, *, acting_user, note: str = "") -> Report:
    _require_handler(acting_user, report)
    before = _snap(report)
    _first_response(report, timezone.now())
    report.status = Status.IN_PROGRESS
    report.save()
    _event(report, "in_progress", actor=acting_user, unit=report.unit, internal_note=note)
    record(actor=acting_user, action="feedback.start", obj=report, before=before, after=_snap(report))
    return report


@transaction.atomic
def wait_for_citizen(report: Report, *, acting_user, note: str) -> Report:
    """Ask the citizen for more information: the clock pauses."""
    _require_handler(acting_user, report)
    if report.paused_at:
        raise FeedbackError(gettext_noop("The clock is already paused."))
    before = _snap(report)
    now = timezone.now()
    _first_response(report, now)
    report.status, report.paused_at = Status.WAITING, now
    report.save()
    _event(report, "waiting", actor=acting_user, unit=report.unit, note=note)
    record(actor=acting_user, action="feedback.pause", obj=report, before=before, after=_snap(report))
    _tell_reporters(report, Message(gettext_noop("Report %(code)s: more information is needed"),
                                    {"code": report.code}), note)
    return report


@transaction.atomic
def resume(report: Report, *, acting_user=None, note: str = "") -> Report:
    """The citizen answered (or the unit resumes): the deadline moves by the paused time."""
    if report.status != Status.WAITING or not report.paused_at:
        raise FeedbackError(gettext_noop("The report is not waiting for the citizen."))
    before = _snap(report)
    now = timezone.now()
    paused = now - report.paused_at
    current = report.assignments.filter(outcome=Assignment.Outcome.OPEN).last()
    if current:
        current.paused_seconds += int(paused.total_seconds())
        current.deadline += paused
        current.save()
        report.deadline = current.deadline
    report.status, report.paused_at = Status.IN_PROGRESS, None
    report.save()
    _event(report, "resumed", actor=acting_user, unit=report.unit, internal_note=note)
    record(actor=acting_user, action="feedback.resume", obj=report, before=before, after=_snap(report))
    return report


@files_follow_transaction()
@transaction.atomic
def answer(report: Report, *, acting_user, text: str, evidence=()) -> Answer:
    """Publish the unit's answer. An on-site report needs evidence (an after-photo or a document)."""
    _require_handler(acting_user, report)
    if not text.strip():
        raise FeedbackError(gettext_noop("Please write the answer."))
    if report.category.on_site and not evidence:
        raise FeedbackError(gettext_noop("An on-site report needs an after-photo or a document as evidence."))
    checked = []
    for upload in evidence:
        try:
            checked.append(check_upload(upload, allowed=("jpeg", "png", "pdf")))
        except UploadError as exc:
            raise FeedbackError(str(exc)) from exc
    before = _snap(report)
    now = timezone.now()
    if report.paused_at:
        resume(report, acting_user=acting_user)
    _first_response(report, now)
    assignment = _close_assignment(report, Assignment.Outcome.ANSWERED, now)
    reply = Answer.objects.create(report=report, assignment=assignment, unit=report.unit, text=text.strip(),
                                  answered_by=acting_user, answered_at=now)
    for item in checked:
        photo = _save_photo(report=report, role=Photo.Role.EVIDENCE, file=item.content,
                            original_name=item.original_name, content_type=item.content_type, sha256=item.sha256)
        reply.evidence.add(photo)
    report.status, report.answered_at = Status.ANSWERED, now
    report.save()
    report.duplicates.update(status=Status.ANSWERED, answered_at=now)
    _event(report, "answered", actor=acting_user, unit=report.unit, note=text.strip())
    record(actor=acting_user, action="feedback.answer", obj=report, before=before, after=_snap(report))
    _tell_reporters(report, Message(gettext_noop("Report %(code)s has been answered"), {"code": report.code}),
                    text.strip())
    return reply


@transaction.atomic
def reject(report: Report, *, acting_user, reason: str) -> Report:
    """Refuse a report (not a petition, abusive…): intake office only. A unit that thinks the report
    is not its business returns it to the intake office instead."""
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office rejects a report; a unit returns it to the "
                                         "intake office."))
    if not reason.strip():
        raise FeedbackError(gettext_noop("Please give a reason."))
    before = _snap(report)
    now = timezone.now()
    _close_assignment(report, Assignment.Outcome.REJECTED, now)
    report.status, report.closed_at, report.paused_at = Status.REJECTED, now, None
    report.save()
    _event(report, "rejected", actor=acting_user, note=reason)
    record(actor=acting_user, action="feedback.reject", obj=report, before=before, after=_snap(report))
    return report


@transaction.atomic
def merge(report: Report, into: Report, *, acting_user) -> Report:
    """A duplicate follows the main report; both reporters are kept informed."""
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office merges reports."))
    if report.pk == into.pk or into.merged_into_id:
        raise FeedbackError(gettext_noop("A report cannot be merged into itself or into a merged report."))
    before = _snap(report)
    now = timezone.now()
    _close_assignment(report, Assignment.Outcome.MERGED, now)
    report.status, report.merged_into, report.paused_at = Status.MERGED, into, None
    report.save()
    _event(report, "merged", actor=acting_user, note=into.code)
    record(actor=acting_user, action="feedback.merge", obj=report, before=before, after=_snap(report))
    params = {"code": report.code, "into": into.code}
    _tell_reporters(into, Message(gettext_noop("Report %(code)s is followed together with report %(into)s"), params),
                    Message(gettext_noop("The same matter was reported before: report %(code)s is now answered "
                                         "with report %(into)s. Follow report %(into)s with its tracking code."),
                            params))
    return report


@transaction.atomic
def hide(report: Report, *, acting_user, reason: str) -> Report:
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office moderates reports."))
    if not reason.strip():
        raise FeedbackError(gettext_noop("Please give a reason."))
    before = _snap(report)
    report.hidden, report.hidden_reason, report.flagged = True, reason.strip()[:300], False
    report.save()
    _event(report, "hidden", actor=acting_user, note=reason, public=False)
    record(actor=acting_user, action="feedback.hide", obj=report, before=before, after=_snap(report))
    return report


@transaction.atomic
def approve(report: Report, *, acting_user) -> Report:
    """Moderation: the intake office accepts the report for publication (a flagged one is fine after all).
    From now on the public reads its text, address and photos, unless its category is sensitive."""
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office moderates reports."))
    before = _snap(report)
    report.flagged = False
    report.accepted_at = report.accepted_at or timezone.now()
    report.save()
    _event(report, "approved", actor=acting_user, public=False)
    record(actor=acting_user, action="feedback.approve", obj=report, before=before, after=_snap(report))
    return report


@transaction.atomic
def request_extension(report: Report, *, acting_user, days: int, reason: str) -> Extension:
    _require_handler(acting_user, report)
    if days < 1 or not reason.strip():
        raise FeedbackError(gettext_noop("Please give a number of days and a reason."))
    current = report.assignments.filter(outcome=Assignment.Outcome.OPEN).last()
    ext = Extension.objects.create(assignment=current, days=days, reason=reason.strip(), requested_by=acting_user)
    record(actor=acting_user, action="feedback.extension_request", obj=ext, after=snapshot(ext), unit=report.unit)
    return ext


@transaction.atomic
def decide_extension(ext: Extension, *, acting_user, approve: bool) -> Extension:
    if not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office approves extensions."))
    if ext.state != Extension.State.REQUESTED:
        raise FeedbackError(gettext_noop("This request was already decided."))
    before = snapshot(ext)
    ext.state = Extension.State.APPROVED if approve else Extension.State.REFUSED
    ext.decided_by, ext.decided_at = acting_user, timezone.now()
    ext.save()
    if approve:
        assignment = ext.assignment
        assignment.deadline = deadlines.extend(assignment.deadline, ext.days)
        assignment.save()
        Report.objects.filter(pk=assignment.report_id).update(deadline=assignment.deadline)
        _event(assignment.report, "extended", actor=acting_user, unit=assignment.unit, internal_note=ext.reason)
    record(actor=acting_user, action="feedback.extension_decide", obj=ext, before=before, after=snapshot(ext),
           unit=ext.assignment.unit)
    return ext


# -- the citizen -----------------------------------------------------------------------------------
def latest_answer(report: Report) -> Answer | None:
    return report.answers.order_by("-answered_at", "-pk").first()


@transaction.atomic
def rate(report: Report, *, score: int, reason: str = "") -> Rating:
    reply = latest_answer(report)
    if reply is None or report.status not in (Status.ANSWERED, Status.CLOSED):
        raise FeedbackError(gettext_noop("Only an answered report can be rated."))
    if not 1 <= int(score) <= 5:
        raise FeedbackError(gettext_noop("The rating is from 1 to 5."))
    if Rating.objects.filter(answer=reply).exists():
        raise FeedbackError(gettext_noop("This answer was already rated."))
    rating = Rating.objects.create(report=report, answer=reply, score=int(score), reason=reason.strip()[:2000])
    before = _snap(report)
    report.status, report.closed_at = Status.CLOSED, timezone.now()
    report.save()
    _event(report, "rated", note=f"{score}/5")
    record(actor=None, action="feedback.rate", obj=report, before=before, after=_snap(report) | {"score": score})
    return rating


@transaction.atomic
def reopen(report: Report, *, reason: str) -> Report:
    """The problem is not solved: back to the unit that answered, within the window after the answer."""
    reply = latest_answer(report)
    if reply is None or report.status not in (Status.ANSWERED, Status.CLOSED):
        raise FeedbackError(gettext_noop("Only an answered report can be reopened."))
    if timezone.now() - reply.answered_at > datetime.timedelta(days=REOPEN_DAYS):
        raise FeedbackError(gettext_noop("A report can be reopened within %(n)s days of the answer."),
                            {"n": REOPEN_DAYS})
    if not reason.strip():
        raise FeedbackError(gettext_noop("Please say what is not solved."))
    before = _snap(report)
    now = timezone.now()
    Assignment.objects.filter(pk=reply.assignment_id).update(reopened=True)
    deadline = deadlines.deadline_for(report.category, report.urgent, now)
    Assignment.objects.create(report=report, unit=reply.unit, assigned_at=now, deadline=deadline)
    report.status, report.unit, report.deadline, report.closed_at = Status.ROUTED, reply.unit, deadline, None
    report.save()
    _event(report, "reopened", unit=reply.unit, note=reason.strip())
    record(actor=None, action="feedback.reopen", obj=report, before=before, after=_snap(report))
    notify(_officers(reply.unit), Message(gettext_noop("%(code)s reopened by the citizen"),
                                          {"code": report.code}),
           notices.excerpt(report, reason.strip()), _office_link(report))
    return report


def comment_from_client(report: Report, *, client: ApiClient, update_id: str, text: str) -> tuple[ReportEvent, bool]:
    """A citizen's follow-up relayed by an Open311 client (mySociety's servicerequestupdates): kept in the
    report's history for the office, never published (what a citizen adds is read by the office only), and
    it changes no status: a citizen closes a report only by rating the answer, and re-opens it only with a
    reason within the window (`rate`, `reopen`), which a relayed update cannot prove. The same `update_id`
    from the same client is stored once: the second call returns the first comment and False."""
    key = f"{client.pk}:{update_id}"
    text = text.strip()
    if not text:
        raise FeedbackError(gettext_noop("description is required"))
    if len(text) > MAX_DESCRIPTION:
        raise FeedbackError(gettext_noop("description is longer than %(n)s characters"), {"n": MAX_DESCRIPTION})
    try:
        with transaction.atomic():
            event = _event(report, "commented", note=text, public=False)
            event.client_update = key
            event.save(update_fields=["client_update"])
            refusal = limits.comment_refusal(client.pk)
            if refusal:
                raise RateLimited(refusal)
            record(actor=None, action="feedback.client_comment", obj=report,
                   after={"api_client": client.pk, "update_id": update_id})
    except IntegrityError:
        return ReportEvent.objects.get(client_update=key), False
    return event, True


@transaction.atomic
def forget_reporter(report: Report, *, acting_user=None) -> Report:
    """The citizen's request to delete their data: personal data anonymised, the public report kept."""
    personal = PersonalData.objects.filter(report=report).first()
    if personal is not None and personal.anonymised_at is None:
        personal.name = personal.phone = personal.email = ""
        personal.anonymised_at = timezone.now()
        personal.save()
    before = _snap(report)
    Report.objects.filter(pk=report.pk).update(device_hash="", ip_hash="")
    # a phone's file name may carry a name or a place ("IMG_nha_anh_An.jpg"); the photos themselves were
    # re-encoded without EXIF when they came in, and stay with the public report
    Photo.objects.filter(report=report, role=Photo.Role.REPORT).update(original_name="")
    report.refresh_from_db()
    _event(report, "anonymised", public=False)
    record(actor=acting_user, action="feedback.forget_reporter", obj=report, before=before, after=_snap(report))
    return report


# -- Open311 clients -------------------------------------------------------------------------------
def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_api_client(name: str, *, acting_user) -> tuple[ApiClient, str]:
    """A new Open311 client; the key is returned once and only its hash is stored."""
    if acting_user is not None and not is_intake(acting_user):
        raise FeedbackError(gettext_noop("Only the intake office manages Open311 clients."))
    key = secrets.token_urlsafe(24)
    client = ApiClient.objects.create(name=name, key_hash=key_hash(key))
    record(actor=acting_user, action="feedback.api_client", obj=client, after={"name": name})
    return client, key


def client_for_key(key: str) -> ApiClient | None:
    if not key:
        return None
    return ApiClient.objects.filter(key_hash=key_hash(key), active=True).first()



# -- configuration (intake office) -----------------------------------------------------------------
def _require_intake(user):
    if not is_intake(user):
        raise FeedbackError(gettext_noop("Only the intake office changes the feedback settings."))


@transaction.atomic
def save_category(category: Category, *, acting_user) -> Category:
    _require_intake(acting_user)
    before = snapshot(Category.objects.get(pk=category.pk)) if category.pk else None
    category.save()
    record(actor=acting_user, action="feedback.category", obj=category, before=before, after=snapshot(category))
    return category


@transaction.atomic
def set_rule(*, acting_user, category, commune, unit) -> RoutingRule:
    _require_intake(acting_user)
    rule = RoutingRule.objects.filter(category=category, commune=commune).first()
    before = snapshot(rule)
    if rule is None:
        rule = RoutingRule(category=category, commune=commune)
    rule.unit = unit
    rule.save()
    record(actor=acting_user, action="feedback.rule", obj=rule, before=before, after=snapshot(rule), unit=unit)
    return rule


@transaction.atomic
def delete_rule(rule: RoutingRule, *, acting_user) -> None:
    _require_intake(acting_user)
    record(actor=acting_user, action="feedback.rule_delete", obj=rule, before=snapshot(rule), unit=rule.unit)
    rule.delete()


@transaction.atomic
def publish_consent(*, acting_user, version: str, text: str, text_en: str = "") -> ConsentVersion:
    """A new consent text; earlier versions stay, linked to the reports that agreed to them."""
    _require_intake(acting_user)
    if ConsentVersion.objects.filter(version=version).exists():
        raise FeedbackError(gettext_noop("This consent version already exists."))
    consent = ConsentVersion.objects.create(version=version, text=text, text_en=text_en)
    record(actor=acting_user, action="feedback.consent", obj=consent, after=snapshot(consent))
    return consent
