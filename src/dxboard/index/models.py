"""The index in the platform: frameworks (versioned, frozen once used), campaigns, submissions with
their answers and evidence, reviews, result snapshots and publication.

A framework's canonical form is its YAML text, read by `dxindex`; the `Indicator` rows are a copy
for forms and queries, rebuilt from it and never edited by hand.
"""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from dxboard.core.querysets import RestrictedQuerySet


class Source(models.TextChoices):
    SELF = "self", _("Self-assessment")
    KPI = "kpi", _("KPI series")
    TASKS = "tasks", _("Task completion rate")
    ITPROJECTS = "itprojects", _("IT registry")
    FEEDBACK = "feedback", _("Citizen feedback handling")
    SURVEY = "survey", _("Entered by the standing office")


class Framework(models.Model):
    code = models.CharField(_("code"), max_length=80)
    # not "version": Django's own Vietnamese catalogue (contrib.auth) leaves that word in English
    version = models.PositiveIntegerField(_("version number"), default=1)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    model = models.CharField(_("model"), max_length=16, default="points")  # points | statistical
    year = models.PositiveIntegerField(_("year"), null=True, blank=True)
    decision_number = models.CharField(_("decision number"), max_length=80, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    effective_from = models.DateField(_("effective from"), null=True, blank=True)
    effective_to = models.DateField(_("effective to"), null=True, blank=True)
    is_template = models.BooleanField(_("template"), default=False)
    definition = models.TextField(_("definition (YAML)"))
    sha256 = models.CharField(_("definition fingerprint"), max_length=64, editable=False)
    total_points = models.FloatField(_("maximum points"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    previous = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("previous version"))

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="framework_code_version")]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        english = translation.get_language() == "en" and self.name_en
        return f"{self.name_en if english else self.name} (v{self.version})"

    @property
    def is_frozen(self) -> bool:
        """In use by a campaign that has opened: its rules can no longer change (a new version can)."""
        return self.campaigns.exclude(status=Campaign.Status.DRAFT).exists()

    def engine(self):
        """The `dxindex.Framework` read from the stored definition (cached on the instance)."""
        cached = getattr(self, "_engine", None)
        if cached is None:
            from .frameworks import parse_definition

            cached = self._engine = parse_definition(self.definition)
        return cached


class Indicator(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="indicators",
                                  verbose_name=_("framework"))
    code = models.CharField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=400)
    name_en = models.CharField(_("name (English)"), max_length=400, blank=True)
    is_aggregate = models.BooleanField(_("group of indicators"), default=False)
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    position = models.PositiveIntegerField(_("position"), default=0)
    parents = models.JSONField(_("parent indicators"), default=dict)  # {parent code: weight}
    rule = models.JSONField(_("scoring rule"), null=True, blank=True)
    max_points = models.FloatField(_("maximum points"), null=True, blank=True)
    source = models.CharField(_("data source"), max_length=16, choices=Source.choices, blank=True)
    evidence = models.TextField(_("required evidence"), blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=60, blank=True)
    applies_to = models.JSONField(_("applies to unit kinds"), default=list)  # unit kinds; empty = all

    class Meta:
        ordering = ["framework", "position"]
        constraints = [models.UniqueConstraint(fields=["framework", "code"], name="indicator_code_per_framework")]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def rule_type(self) -> str:
        return (self.rule or {}).get("type", "")

    def applies(self, unit_kind: str) -> bool:
        return not self.applies_to or unit_kind in self.applies_to

    @property
    def inputs(self) -> str:
        """Which inputs the form asks for: share (numerator/denominator), count (numerator, and a
        denominator when the rule divides by a reported figure), number, choice or yes/no."""
        kind = self.rule_type
        if kind == "fraction":
            return "share"
        if kind == "ratio":
            return "ratio_with_denominator" if isinstance((self.rule or {}).get("denominator"), str) else "count"
        if kind == "categorical":
            return "choice"
        if kind == "binary":
            return "yes_no"
        return "number"


class IndicatorMapping(models.Model):
    """Indicator of an older framework version ↔ its counterpart in a newer one, so that years stay
    comparable."""

    old = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="mapped_to",
                            verbose_name=_("indicator in the older version"))
    new = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="mapped_from",
                            verbose_name=_("indicator in the newer version"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["old", "new"], name="one_mapping_per_pair")]
        verbose_name = _("indicator mapping")
        verbose_name_plural = _("indicator mappings")

    def __str__(self) -> str:
        return f"{self.old.code} → {self.new.code}"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        OPEN = "open", _("Open for self-assessment")
        REVIEW = "review", _("Under review")
        PROVISIONAL = "provisional", _("Provisional results (appeals open)")
        FINALISED = "finalised", _("Finalised")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="campaigns",
                                  verbose_name=_("framework"))
    name = models.CharField(_("name"), max_length=300)
    period = models.CharField(_("period"), max_length=16, help_text=_("A year (2025) or a month (2025-06)."))
    unit_kind = models.CharField(_("unit kind"), max_length=16)
    units = models.ManyToManyField("units.Unit", related_name="campaigns", verbose_name=_("participating units"))
    opens = models.DateField(_("opens"))
    closes = models.DateField(_("closes"))
    appeal_until = models.DateField(_("appeals until"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    # days before closing, e.g. [7, 3, 1]
    reminder_days = models.JSONField(_("reminder days"), default=list, blank=True)
    # [[min score 0..1, label vi, label en], …]
    grade_bands = models.JSONField(_("grade bands"), default=list, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    official = models.ForeignKey("ResultSnapshot", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("official result"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("published by"))
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["-period", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name


class Submission(models.Model):
    """One unit's self-assessment in a campaign, through review to finalisation."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        RETURNED = "returned", _("Returned for more evidence")
        RESUBMITTED = "resubmitted", _("Resubmitted")
        ACCEPTED = "accepted", _("Accepted")
        FINALISED = "finalised", _("Finalised")

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="submissions",
                                 verbose_name=_("campaign"))
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="submissions",
                             verbose_name=_("unit"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "unit"

    class Meta:
        ordering = ["campaign", "unit__name"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="one_submission_per_unit")]
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")

    def __str__(self) -> str:
        return f"{self.campaign} — {self.unit}"

    @property
    def editable_by_unit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class Answer(models.Model):
    """A unit's input for one indicator, and the reviewer's verified value beside it."""

    class State(models.TextChoices):
        ANSWERED = "answered", _("Answered")
        NOT_APPLICABLE = "not_applicable", _("Not applicable")

    class Review(models.TextChoices):
        PENDING = "pending", _("Not yet reviewed")
        ACCEPTED = "accepted", _("Accepted")
        ADJUSTED = "adjusted", _("Adjusted")
        RETURNED = "returned", _("More evidence requested")
        REJECTED = "rejected", _("Not recognised")

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers",
                                   verbose_name=_("submission"))
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="answers",
                                  verbose_name=_("indicator"))
    state = models.CharField(_("answer state"), max_length=16, choices=State.choices, default=State.ANSWERED)
    value = models.FloatField(_("value"), null=True, blank=True)
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    choice = models.CharField(_("choice"), max_length=80, blank=True)
    na_reason = models.TextField(_("reason it does not apply"), blank=True)
    comment = models.TextField(_("comment"), blank=True)
    self_points = models.FloatField(_("self points"), null=True, blank=True)
    # the reviewer's side
    review = models.CharField(_("review result"), max_length=16, choices=Review.choices, default=Review.PENDING)
    verified_value = models.FloatField(_("verified value"), null=True, blank=True)
    verified_numerator = models.FloatField(_("verified numerator"), null=True, blank=True)
    verified_denominator = models.FloatField(_("verified denominator"), null=True, blank=True)
    verified_choice = models.CharField(_("verified choice"), max_length=80, blank=True)
    verified_points = models.FloatField(_("verified points"), null=True, blank=True)
    review_note = models.TextField(_("reviewer's note"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))
    # Optimistic locking: every save states the version it read; a stale version is a conflict.
    version = models.PositiveIntegerField(_("version number"), default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("updated by"))
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "submission__unit"

    class Meta:
        ordering = ["submission", "indicator__position"]
        constraints = [models.UniqueConstraint(fields=["submission", "indicator"], name="one_answer_per_indicator")]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.submission.unit} {self.indicator.code}"

    @property
    def is_answered(self) -> bool:
        if self.state == self.State.NOT_APPLICABLE:
            return True
        return self.value is not None or self.numerator is not None or bool(self.choice)


class Evidence(models.Model):
    """A supporting document (tài liệu kiểm chứng). The file lives outside the web root and is served
    only through a view that checks permission."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("answer"))
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    issuer = models.CharField(_("issuer"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=500)
    file = models.FileField(_("file"), upload_to="evidence/%Y/%m/", max_length=300)
    original_name = models.CharField(_("original file name"), max_length=255)
    content_type = models.CharField(_("file type"), max_length=100)
    size = models.PositiveIntegerField(_("file size"))
    sha256 = models.CharField(_("file fingerprint"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("uploaded by"))
    uploaded = models.DateTimeField(_("uploaded"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "answer__submission__unit"

    class Meta:
        ordering = ["uploaded"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.summary or self.original_name


class ResultSnapshot(models.Model):
    """One run of the engine over a campaign: immutable; the campaign points at its official one."""

    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="snapshots",
                                 verbose_name=_("campaign"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    framework_sha256 = models.CharField(_("framework fingerprint"), max_length=64)
    inputs_sha256 = models.CharField(_("input data fingerprint"), max_length=64, db_index=True)
    method = models.JSONField(_("calculation method"), default=dict)
    engine_version = models.CharField(_("engine version"), max_length=40)
    seed = models.PositiveIntegerField(_("random seed"), default=0)
    basis = models.CharField(_("basis"), max_length=16, default="verified")  # verified | self
    payload = models.JSONField(_("results"))  # per unit: points, values, ranks, rank intervals, states

    class Meta:
        ordering = ["-created"]
        constraints = [models.UniqueConstraint(fields=["campaign", "inputs_sha256", "basis"],
                                               name="one_snapshot_per_input")]
        verbose_name = _("result snapshot")
        verbose_name_plural = _("result snapshots")

    def __str__(self) -> str:
        return f"{self.campaign} @ {self.created:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("Result snapshots are immutable.")
        super().save(*args, **kwargs)


class Appeal(models.Model):
    """A unit contests a provisional result (per indicator) within the campaign's appeal window."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="appeals",
                                   verbose_name=_("submission"))
    answer = models.ForeignKey(Answer, on_delete=models.PROTECT, related_name="appeals", verbose_name=_("answer"))
    text = models.TextField(_("grounds"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    decision = models.TextField(_("decision"), blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name=_("filed by"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("decided by"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()
    unit_path = "submission__unit"

    class Meta:
        ordering = ["-created"]
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")

    def __str__(self) -> str:
        return f"{self.submission.unit}: {self.answer.indicator.code}"


class CampaignReminder(models.Model):
    """A reminder sent to a unit before a campaign closes; the unique key makes sending idempotent."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="reminders",
                                 verbose_name=_("campaign"))
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+", verbose_name=_("unit"))
    days_before = models.SmallIntegerField(_("days before closing"))
    sent = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "unit", "days_before"], name="one_reminder_per_day")]
        verbose_name = _("campaign reminder")
        verbose_name_plural = _("campaign reminders")

    def __str__(self) -> str:
        return f"{self.campaign} {self.unit} D-{self.days_before}"
