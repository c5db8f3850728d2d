from django import forms
from django.utils.translation import gettext_lazy as _

from dxboard.core.i18n import Message
from dxboard.units.models import Unit, UnitKind

from .models import Category, PersonalData, Report
from .open311 import checks


def _length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,video/mp4"}))
        kwargs.setdefault("required", False)
        # An empty file goes on to check_upload, which refuses it with a message naming the
        # problem (Django's own check would surface as "please write the answer" on the office page).
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(d, initial) for d in data if d]
        return [super().clean(data, initial)] if data else []


class ReportForm(forms.Form):
    # Hidden fields carry labels too: an error on one of them is named by its label, never by its key.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=100, label=_("Report a problem"))
    category = forms.ModelChoiceField(Category.objects.filter(active=True), label=_("What is the problem about?"))
    description = forms.CharField(label=_("Describe the problem"), max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photos = MultipleFileField(label=_("Photos (up to 5) or a short video"))
    latitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90,
                                label=_("Where?"))
    longitude = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180,
                                 label=_("Where?"))
    location_source = forms.CharField(required=False, widget=forms.HiddenInput, label=_("Where?"))
    commune = forms.ModelChoiceField(Unit.objects.filter(kind=UnitKind.COMMUNE).current().order_by("name"),
                                     required=False, label=_("Commune or ward"))
    # Lengths are the stored fields' own, so that nothing a citizen typed is cut when it is stored.
    address = forms.CharField(required=False, max_length=_length(Report, "address"), label=_("Address or place"))
    name = forms.CharField(required=False, max_length=_length(PersonalData, "name"), label=_("Your name"))
    phone = forms.CharField(required=False, max_length=_length(PersonalData, "phone"), label=_("Phone"))
    email = forms.EmailField(required=False, max_length=_length(PersonalData, "email"),
                             label=_("E-mail (to be told of the answer)"))
    consent = forms.BooleanField(label=_("I agree to the processing of my personal data as described above."))

    def clean(self):
        """A point the phone sent is refused as Open311 refuses it: 0, 0 (no fix) or outside the province."""
        data = super().clean()
        lat, lon = data.get("latitude"), data.get("longitude")
        if lat is not None and lon is not None and (problem := checks.point(lat, lon)):
            message, params = problem
            self.add_error("latitude", Message(message, params))
        return data


class RateForm(forms.Form):
    score = forms.TypedChoiceField(coerce=int, choices=[(i, str(i)) for i in range(1, 6)],
                                   widget=forms.RadioSelect, label=_("How satisfied are you (1–5)?"))
    reason = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Why?"))


class ReopenForm(forms.Form):
    reason = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("What is not solved?"))


class AnswerForm(forms.Form):
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), label=_("Answer (published)"))
    evidence = MultipleFileField(label=_("Evidence: after-photo or document"),
                                 widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,application/pdf"}))


class RouteForm(forms.Form):
    unit = forms.ModelChoiceField(Unit.objects.current().exclude(kind=UnitKind.PROVINCE).order_by("kind", "name"),
                                  label=_("Handling unit"))
    urgent = forms.BooleanField(required=False, label=_("Urgent (deadline in hours)"))
    note = forms.CharField(required=False, max_length=500, label=_("Note for the unit (not shown to the citizen)"))


class ReturnForm(forms.Form):
    """The handling unit's reason for sending a report back to the intake office (read by the office only)."""

    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
                             label=_("Why the report is not this unit's business (not shown to the citizen)"))


class NoteForm(forms.Form):
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=_("Note"))


class ExtensionForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=30, label=_("Working days"))
    reason = forms.CharField(max_length=1000, label=_("Reason"))


class ClassifyForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.filter(active=True), label=_("Category"))


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "name", "name_en", "description", "group", "keywords", "on_site", "sensitive",
                  "premoderated", "deadline_days", "deadline_hours", "response_template", "active"]


class RuleForm(forms.Form):
    category = forms.ModelChoiceField(Category.objects.all(), required=False, label=_("Category (empty: any)"))
    commune = forms.ModelChoiceField(Unit.objects.filter(kind=UnitKind.COMMUNE).current().order_by("name"),
                                     required=False, label=_("Commune (empty: any)"))
    unit = forms.ModelChoiceField(Unit.objects.current().exclude(kind=UnitKind.PROVINCE).order_by("kind", "name"),
                                  label=_("Handling unit"))

    def clean(self):
        data = super().clean()
        if not data.get("category") and not data.get("commune"):
            raise forms.ValidationError(_("Choose a category, a commune or both."))
        return data


class ConsentForm(forms.Form):
    version = forms.CharField(max_length=20, label=_("Version"))
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), label=_("Text (Vietnamese)"))
    text_en = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label=_("Text (English)"))


class ApiClientForm(forms.Form):
    name = forms.CharField(max_length=200, label=_("Client name"))
