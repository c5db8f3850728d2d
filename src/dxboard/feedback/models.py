"""Citizen feedback (phản ánh, kiến nghị): categories, reports, their history, answers and ratings.

The reporter's identity lives in `PersonalData` (1:1 with the report) so it can be anonymised while
the public report stays; only the intake office reads it. A report belongs to the unit handling it
(`unit_path = "unit"`); every stay of a report with a unit is an `Assignment`, which is what the
figures count, so re-routing or rejecting never removes a report from a unit's figures.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dxboard.accounts.models import Role
from dxboard.core.querysets import RestrictedQuerySet

# Officers handle their unit's reports; leaders read them all; reviewers (index appraisal) have no part.
GRANTS = {Role.OFFICER: {"view", "add", "change", "delete"}, Role.LEADER: {"view"}, Role.REVIEWER: set()}


def province_name() -> str:
    """The name of the province the platform serves (data, never hard-coded)."""
    from django.conf import settings

    from dxboard.units.models import Unit, UnitKind

    configured = getattr(settings, "FEEDBACK_PROVINCE_NAME", "")
    if configured:
        return configured
    unit = Unit.objects.current().filter(kind=UnitKind.PROVINCE, parent__isnull=True).order_by("pk").first()
    return unit.name if unit else ""


def local_name(obj) -> str:
    """A name in the reader's language: the English name (`name_en`) on an English page when there is one."""
    english = getattr(obj, "name_en", "")
    return english if english and translation.get_language() == "en" else obj.name


class Category(models.Model):
    """A kind of problem (an Open311 service). `code` is the service_code."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    group = models.CharField(_("group"), max_length=100, blank=True)
    keywords = models.CharField(_("keywords"), max_length=300, blank=True)
    on_site = models.BooleanField(_("on-site report (needs a photo)"), default=True)
    # A sensitive report (domestic violence, child abuse) is read by the handling office only: the public
    # sees at most its category group and status (Report.withheld).
    sensitive = models.BooleanField(_("sensitive (only the handling office reads the report)"), default=False)
    # Pre-moderation: the citizen's text, address and photos are public only once the intake office accepted
    # them. On by default: a new category is safe until someone decides otherwise.
    premoderated = models.BooleanField(_("public only after the intake office accepts it"), default=True)
    deadline_days = models.PositiveSmallIntegerField(_("deadline (working days)"), default=5)
    deadline_hours = models.PositiveSmallIntegerField(_("deadline for urgent reports (hours)"), default=24)
    response_template = models.TextField(_("response template"), blank=True)
    # Open311 attributes: [{"code", "description", "datatype", "required", "values": [{"key", "name"}]}]
    attributes = models.JSONField(_("attributes"), default=list, blank=True)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    # What citizens and Open311 clients read (publication.py); the response template is the office's draft.
    PUBLIC_FIELDS = ("code", "name", "name_en", "description", "group", "keywords", "attributes", "sensitive")
    INTERNAL_FIELDS = ("response_template",)

    class Meta:
        ordering = ["group", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return local_name(self)  # as lists and choices show it


class ConsentVersion(models.Model):
    """The consent text a reporter agrees to (Decree 356/2025): versioned, the current one is the latest."""

    version = models.CharField(_("version number"), max_length=20, unique=True)
    text = models.TextField(_("text (Vietnamese)"))
    text_en = models.TextField(_("text (English)"), blank=True)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("consent version")
        verbose_name_plural = _("consent versions")

    def __str__(self) -> str:
        return self.version

    @classmethod
    def current(cls):
        return cls.objects.order_by("-published_at", "-pk").first()


class ApiClient(models.Model):
    """An Open311 client: the api_key is shown once; only its SHA-256 is kept."""

    name = models.CharField(_("name"), max_length=200)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(pgettext_lazy("in use", "active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return self.name


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ROUTED = "routed", _("Routed")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting for the citizen")
    ANSWERED = "answered", _("Answered")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another report")


OPEN_STATUSES = [Status.RECEIVED, Status.ROUTED, Status.IN_PROGRESS, Status.WAITING]
HANDLING_STATUSES = [Status.ROUTED, Status.IN_PROGRESS, Status.WAITING]


class Report(models.Model):
    code = models.CharField(_("tracking code"), max_length=20, unique=True)
    access_key = models.CharField(_("access key"), max_length=40, editable=False)
    token = models.UUIDField(_("follow-up link key"), default=uuid.uuid4, unique=True, editable=False)
    idempotency_key = models.CharField(_("duplicate submission key"), max_length=100, unique=True)
    body_hash = models.CharField(_("content hash"), max_length=64)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="reports",
                                 verbose_name=_("category"))
    description = models.TextField(_("description"))
    attributes = models.JSONField(_("attributes"), default=dict, blank=True)
    address = models.CharField(pgettext_lazy("place", "address"), max_length=300, blank=True)
    address_id = models.CharField(_("address identifier"), max_length=40, blank=True)
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name=_("commune"))
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_source = models.CharField(_("location source"), max_length=10, blank=True)  # gps / map / address
    urgent = models.BooleanField(_("urgent"), default=False)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RECEIVED)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name=_("handling unit"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    merged_into = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="duplicates", verbose_name=_("merged into"))
    hidden = models.BooleanField(_("hidden"), default=False)
    hidden_reason = models.CharField(_("reason"), max_length=300, blank=True)
    flagged = models.BooleanField(_("waiting for moderation"), default=False)
    accepted_at = models.DateTimeField(_("accepted for publication at"), null=True, blank=True)
    source = models.CharField(_("submitted through"), max_length=10, default="web")  # web / open311
    api_client = models.ForeignKey(ApiClient, on_delete=models.SET_NULL, null=True, blank=True,
                                   verbose_name=_("API client"))
    # For rate limits only; hashed, cleared when the reporter's data is deleted.
    device_hash = models.CharField(_("device hash"), max_length=64, blank=True, db_index=True)
    ip_hash = models.CharField(_("IP address hash"), max_length=64, blank=True, db_index=True)
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    grants = GRANTS

    # What citizens and Open311 clients read (publication.py). The typed address and the exact point reach
    # them only through public_address / public_location, the photos through public_photos; `withheld` says
    # which of these the public may not read of this report yet. The rest is the office's or the machinery's.
    PUBLIC_FIELDS = ("code", "category", "description", "commune", "status", "get_status_display", "unit",
                     "deadline", "is_open", "merged_into", "created_at", "updated_at", "answered_at",
                     "public_address", "public_location", "public_photos")
    INTERNAL_FIELDS = ("access_key", "idempotency_key", "body_hash", "address", "address_id", "location_source",
                       "hidden_reason", "source", "device_hash", "ip_hash")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        permissions = [("intake_report", "Intake office: classify, route and see the reporter")]

    def __str__(self) -> str:
        return self.code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_public(self) -> bool:
        return not self.hidden and not self.flagged and self.status not in (Status.REJECTED,)

    @property
    def content_public(self) -> bool:
        """May the public read what the citizen wrote (text, address, point, photos)? Never for a sensitive
        category; for a pre-moderated one only once the intake office accepted it."""
        return self.is_public and not self.category.sensitive and (
            self.accepted_at is not None or not self.category.premoderated)

    def withheld(self) -> dict:
        """Public names the public may not read of this report now, with what it reads instead
        (publication.publish() applies it; the reporter, holding the access key, reads everything)."""
        if self.category.sensitive:
            return {"description": "", "public_address": "", "public_location": (None, None),
                    "public_photos": [], "commune": None, "unit": None,
                    "category": CategoryGroup(self.category.group)}
        if not self.content_public:
            return {"description": "", "public_address": "", "public_location": (None, None), "public_photos": []}
        return {}

    def public_location(self) -> tuple[float | None, float | None]:
        if self.latitude is None or self.longitude is None:
            return None, None
        return round(self.latitude, 6), round(self.longitude, 6)

    def public_address(self) -> str:
        return self.address or (self.commune.name if self.commune_id else "")

    def public_photos(self) -> list:
        return [p for p in self.photos.all() if p.role == Photo.Role.REPORT]


class CategoryGroup:
    """What the public reads of a sensitive report's category: its group, never the category itself."""

    def __init__(self, group: str):
        self.group = group
        self.name = group or _("Protected report")
        self.name_en = ""
        self.code = self.description = self.keywords = ""
        self.attributes = []
        self.sensitive = True

    def __str__(self) -> str:
        return str(self.name)

    # One group is one row of the public figures, whichever of its sensitive categories a report was in.
    def __eq__(self, other) -> bool:
        return isinstance(other, CategoryGroup) and other.group == self.group

    def __hash__(self) -> int:
        return hash(("CategoryGroup", self.group))


class PersonalData(models.Model):
    """Who reported: private to the intake office; anonymised on request (the report stays)."""

    report = models.OneToOneField(Report, on_delete=models.CASCADE, related_name="personal",
                                  verbose_name=_("report"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    consent = models.ForeignKey(ConsentVersion, on_delete=models.PROTECT, null=True, blank=True,
                                verbose_name=_("consent version"))
    consent_at = models.DateTimeField(_("consented at"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymised at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "report__unit"
    grants = GRANTS

    class Meta:
        verbose_name = _("reporter's personal data")
        verbose_name_plural = _("reporters' personal data")

    def __str__(self) -> str:
        return f"personal data of {self.report_id}"


def photo_path(instance, filename):
    return f"feedback/{instance.report_id}/{filename}"


class Photo(models.Model):
    class Role(models.TextChoices):
        REPORT = "report", _("Reporter's photo")
        EVIDENCE = "evidence", _("Evidence of handling")

    uid = models.UUIDField(_("public identifier"), default=uuid.uuid4, unique=True, editable=False)
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="photos", verbose_name=_("report"))
    role = models.CharField(_("photo of"), max_length=10, choices=Role.choices, default=Role.REPORT)
    file = models.FileField(_("file"), upload_to=photo_path)
    original_name = models.CharField(_("original file name"), max_length=200, blank=True)
    content_type = models.CharField(_("file type"), max_length=100)
    sha256 = models.CharField(_("SHA-256 checksum"), max_length=64)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "report__unit"
    grants = GRANTS

    PUBLIC_FIELDS = ("uid", "is_image", "is_video")
    INTERNAL_FIELDS = ("role", "file", "original_name", "content_type", "sha256")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("photo or video")
        verbose_name_plural = _("photos and videos")

    def __str__(self) -> str:
        return self.original_name or str(self.uid)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def is_video(self) -> bool:
        return self.content_type.startswith("video/")


class Assignment(models.Model):
    """One stay of a report with a handling unit: what the figures count."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered")
        REROUTED = "rerouted", _("Re-routed")
        # the unit sent it back to the intake office (return_to_intake); the figures count it as re-routed
        RETURNED = "returned", _("Returned to the intake office")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="assignments",
                               verbose_name=_("report"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("handling unit"))
    assigned_at = models.DateTimeField(_("assigned at"))
    deadline = models.DateTimeField(_("deadline"))
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    paused_seconds = models.PositiveIntegerField(_("time paused (seconds)"), default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN)
    reopened = models.BooleanField(_("reopened"), default=False)
    suggested_unit = models.ForeignKey("units.Unit", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("suggested unit"))
    suggestion_confidence = models.FloatField(_("suggestion confidence"), null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("assigned by"))

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    grants = GRANTS

    class Meta:
        ordering = ["assigned_at", "pk"]
        verbose_name = _("assignment to a unit")
        verbose_name_plural = _("assignments to units")

    def __str__(self) -> str:
        return f"{self.report} → {self.unit}"


EVENT_LABELS = {
    "received": _("Received"), "routed": _("Routed"), "rerouted": _("Re-routed"), "in_progress": _("In progress"),
    "waiting": _("Waiting for the citizen"), "resumed": _("Handling resumed"), "answered": _("Answered"),
    "rejected": _("Rejected"), "merged": _("Merged into another report"), "hidden": _("Hidden"),
    "approved": _("Approved by moderation"), "extended": _("Deadline extended"), "rated": _("Rated"),
    "reopened": _("Reopened"), "anonymised": _("Personal data deleted"), "classified": _("Category corrected"),
    "returned": _("Returned to the intake office"),
    "commented": _("The citizen added information"),
}


class ReportEvent(models.Model):
    """The report's history. Public events are shown on the follow page (never with a person's name)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="events", verbose_name=_("report"))
    kind = models.CharField(_("step"), max_length=20)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("done by"))
    unit = models.ForeignKey("units.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                             verbose_name=_("unit"))
    # `note` is written for the citizen (what the unit asks, why it was rejected); `internal_note` is the
    # office's to the handling unit (a routing instruction, a reason for more time) and never leaves the office.
    note = models.TextField(_("note to the citizen"), blank=True)
    internal_note = models.TextField(_("internal note"), blank=True)
    public = models.BooleanField(_("shown to the citizen"), default=True)
    # A comment relayed by an Open311 client: "<client pk>:<the client's update_id>", so that the same update
    # sent twice is stored once (empty for every other step).
    client_update = models.CharField(_("Open311 client update"), max_length=150, blank=True, editable=False)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "report__unit"
    grants = GRANTS

    PUBLIC_FIELDS = ("at", "kind", "label", "unit", "note")
    INTERNAL_FIELDS = ("internal_note", "actor", "client_update")

    class Meta:
        ordering = ["at", "pk"]
        constraints = [models.UniqueConstraint(fields=["client_update"], condition=~models.Q(client_update=""),
                                               name="one_event_per_client_update")]
        verbose_name = _("report history step")
        verbose_name_plural = _("report history steps")

    def __str__(self) -> str:
        return f"{self.report} {self.kind}"

    @property
    def label(self) -> str:
        return EVENT_LABELS.get(self.kind, self.kind)

    def withheld(self) -> dict:
        # a note or a unit could tell what a sensitive report is about
        return {"note": "", "unit": None} if self.report.category.sensitive else {}


class Answer(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="answers", verbose_name=_("report"))
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="answers",
                                   verbose_name=_("assignment to a unit"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    text = models.TextField(_("answer"))
    evidence = models.ManyToManyField(Photo, verbose_name=_("photos of the result"), blank=True, related_name="+")
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+",
                                    verbose_name=_("answered by"))
    answered_at = models.DateTimeField(_("answered at"))

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"
    grants = GRANTS

    PUBLIC_FIELDS = ("text", "unit", "answered_at")
    INTERNAL_FIELDS = ("answered_by",)

    class Meta:
        ordering = ["answered_at", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.report} ({self.unit})"

    def withheld(self) -> dict:
        return {"text": "", "unit": None} if self.report.category.sensitive else {}


class Rating(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("report"))
    answer = models.OneToOneField(Answer, on_delete=models.CASCADE, related_name="rating", verbose_name=_("answer"))
    score = models.PositiveSmallIntegerField(_("satisfaction (1–5)"))
    reason = models.TextField(_("reason"), blank=True)
    at = models.DateTimeField(_("rated at"), auto_now_add=True)

    class Meta:
        verbose_name = _("citizen's rating")
        verbose_name_plural = _("citizens' ratings")
        constraints = [models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_1_5")]

    def __str__(self) -> str:
        return f"{self.report} {self.score}/5"


class Extension(models.Model):
    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="extensions",
                                   verbose_name=_("assignment to a unit"))
    days = models.PositiveSmallIntegerField(_("working days"))
    reason = models.TextField(_("reason"))
    state = models.CharField(_("decision on the request"), max_length=10, choices=State.choices,
                             default=State.REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                     related_name="+", verbose_name=_("requested by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "assignment__unit"
    grants = GRANTS

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")

    def __str__(self) -> str:
        return f"{self.assignment} +{self.days}"


class RoutingRule(models.Model):
    """Category × commune → handling unit. An empty category or commune matches any."""

    category = models.ForeignKey(Category, on_delete=models.CASCADE, null=True, blank=True,
                                 verbose_name=_("category"))
    commune = models.ForeignKey("units.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+",
                                verbose_name=_("commune"))
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("handling unit"))
    is_demo = models.BooleanField(_("demo data"), default=False, editable=False)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        constraints = [models.UniqueConstraint(fields=["category", "commune"], name="one_rule_per_pair")]

    def __str__(self) -> str:
        return f"{self.category or '*'} × {self.commune or '*'} → {self.unit}"


class ReminderSent(models.Model):
    """One row per reminder sent (report × assignment × kind): sending twice is impossible."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, verbose_name=_("assignment to a unit"))
    kind = models.CharField(_("reminder"), max_length=10)  # before / after
    at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder sent")
        verbose_name_plural = _("deadline reminders sent")
        constraints = [models.UniqueConstraint(fields=["assignment", "kind"], name="one_reminder_per_kind")]

    def __str__(self) -> str:
        return f"{self.assignment} {self.kind}"


class RateKey(models.Model):
    """One row per thing a submission limit counts by (a device, an address, an Open311 client). A
    submission locks its rows before it counts the last hour's reports and stores its own, so parallel
    submissions from one device or address count one after another and never overrun the limit."""

    key = models.CharField(_("limited by"), max_length=80, unique=True)

    class Meta:
        verbose_name = _("submission limit key")
        verbose_name_plural = _("submission limit keys")

    def __str__(self) -> str:
        return self.key
