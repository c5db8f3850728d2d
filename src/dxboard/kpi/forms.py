from django import forms
from django.utils.translation import gettext_lazy as _

from dxboard.units.models import Unit

from .models import Metric, Target


class EntryForm(forms.Form):
    metric = forms.ModelChoiceField(label=_("Metric"), queryset=Metric.objects.all())
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=Unit.objects.none())
    period = forms.CharField(label=_("Period (2026-W05, 2026-03, 2026-Q1 or 2026)"), max_length=10)
    numerator = forms.FloatField(label=_("Numerator"), min_value=0)
    denominator = forms.FloatField(label=_("Denominator"), min_value=0, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units if units is not None else Unit.objects.none()


class UploadForm(forms.Form):
    file = forms.FileField(label=_("CSV or XLSX file"))


class MetricForm(forms.ModelForm):
    unit_kinds = forms.MultipleChoiceField(label=_("Reported by unit kinds"), required=False,
                                           widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Metric
        fields = ["code", "name", "name_en", "definition", "numerator_label", "denominator_label", "unit_label",
                  "direction", "frequency", "unit_kinds", "source_system", "time_aggregation", "is_published",
                  "position"]

    def __init__(self, *args, **kwargs):
        from dxboard.units.models import UnitKind

        super().__init__(*args, **kwargs)
        self.fields["unit_kinds"].choices = UnitKind.choices


TargetFormSet = forms.inlineformset_factory(Metric, Target, fields=["year", "unit_kind", "value", "document"],
                                            extra=2, can_delete=True)


class SourceSystemForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name = forms.CharField(label=_("Name"), max_length=200)
    metrics = forms.ModelMultipleChoiceField(label=_("Metrics it may write"), queryset=Metric.objects.all(),
                                             widget=forms.CheckboxSelectMultiple)
