from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dxboard.core import netguard
from dxboard.units.models import Unit

from . import periods
from .models import AlertRule, Frequency, Metric, PullEndpoint, SourceSystem, Target


class CodesField(forms.CharField):
    """A list of codes typed as "a, b, c"."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        if isinstance(value, list):
            return value
        return [c.strip() for c in (value or "").split(",") if c.strip()]


class EntryForm(forms.Form):
    metric = forms.ModelChoiceField(label=_("Metric"), queryset=Metric.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    period = forms.ChoiceField(label=_("Period"), help_text=_("Pick a period of the metric's frequency."))
    numerator = forms.FloatField(label=_("Numerator"), min_value=0)
    denominator = forms.FloatField(label=_("Denominator"), min_value=0, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        self.fields["period"].choices = period_choices(timezone.localdate())


# How many recent periods of each frequency the entry form offers (a quarter of a year back, at least).
RECENT = {periods.WEEKLY: 13, periods.MONTHLY: 12, periods.QUARTERLY: 4, periods.YEARLY: 2}


def period_choices(today) -> list:
    """The periods a figure may be entered for, grouped by frequency, latest first, in words."""
    return [(label, [(key, periods.label(key)) for key in periods.recent(frequency, today, RECENT[frequency])])
            for frequency, label in Frequency.choices]


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class MetricForm(forms.ModelForm):
    unit_kinds = forms.MultipleChoiceField(label=_("Reported by unit kinds"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    source_order = CodesField(label=_("Preferred sources"), required=False, max_length=400,
                              help_text=_("Source codes separated by commas, preferred first (e.g. igate, manual); "
                                          "other sources follow by their priority."))

    class Meta:
        model = Metric
        fields = ["code", "name", "name_en", "definition", "kind", "numerator_label", "denominator_label",
                  "unit_label", "direction", "frequency", "unit_kinds", "source_system", "time_aggregation",
                  "source_order", "is_published", "position"]
        labels = {"position": _("Position in the lists")}

    def __init__(self, *args, **kwargs):
        from dxboard.units.models import UnitKind

        super().__init__(*args, **kwargs)
        self.fields["unit_kinds"].choices = UnitKind.choices

    def clean(self):
        """A rate needs a denominator, a count or a score has none: the roll-ups depend on it."""
        data = super().clean()
        has_denominator = bool(data.get("denominator_label"))
        if data.get("kind") == "rate" and not has_denominator:
            self.add_error("denominator_label", _("A rate needs a denominator."))
        elif data.get("kind") in ("count", "score") and has_denominator:
            self.add_error("denominator_label", _("A count or a score has no denominator."))
        return data


def _unit_kind_choices():
    from dxboard.units.models import UnitKind

    return [("", _("Every kind")), *UnitKind.choices]


TargetFormSet = forms.inlineformset_factory(Metric, Target, fields=["year", "unit_kind", "value", "document"],
                                            widgets={"unit_kind": forms.Select(choices=_unit_kind_choices)},
                                            extra=2, can_delete=True)


class SourceSystemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    metrics = forms.ModelMultipleChoiceField(label=_("Metrics it may write"), queryset=Metric.objects.all(),
                                             widget=forms.CheckboxSelectMultiple)


class SourceSystemEditForm(forms.ModelForm):
    class Meta:
        model = SourceSystem
        fields = ["name", "priority", "is_active", "metrics"]
        widgets = {"metrics": forms.CheckboxSelectMultiple}


class PullEndpointForm(forms.ModelForm):
    """The URL is checked by the SSRF guard on saving (and again by the worker at every fetch)."""

    class Meta:
        model = PullEndpoint
        fields = ["source", "url", "every_minutes", "is_active"]
        labels = {"source": _("Source system")}

    def clean_url(self):
        url = self.cleaned_data["url"]
        try:
            netguard.check_url(url)
        except netguard.UnsafeURL as exc:
            raise forms.ValidationError(str(exc)) from exc
        return url


class AlertRuleForm(forms.ModelForm):
    class Meta:
        model = AlertRule
        fields = ["metric", "threshold", "is_active"]
