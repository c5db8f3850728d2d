from django import forms
from django.utils.translation import gettext_lazy as _

from dxboard.units.models import UnitKind

from .models import Answer, Campaign


class FrameworkImportForm(forms.Form):
    file = forms.FileField(label=_("Framework file (YAML or XLSX)"))
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    decision_number = forms.CharField(label=_("Decision number"), required=False, max_length=80)
    decision_date = forms.DateField(label=_("Decision date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    effective_from = forms.DateField(label=_("Effective from"), required=False,
                                     widget=forms.DateInput(attrs={"type": "date"}))


class CampaignForm(forms.ModelForm):
    unit_kind = forms.ChoiceField(label=_("Unit kind"), choices=[(UnitKind.COMMUNE, UnitKind.COMMUNE.label),
                                                                 (UnitKind.DEPARTMENT, UnitKind.DEPARTMENT.label)])

    class Meta:
        model = Campaign
        fields = ["framework", "name", "period", "unit_kind", "opens", "closes"]
        widgets = {"opens": forms.DateInput(attrs={"type": "date"}), "closes": forms.DateInput(attrs={"type": "date"})}
        labels = {"framework": _("Framework")}  # the model field has no label of its own
        # the period is stored as 2025 or 2025-06; people are told in words how to write it
        help_texts = {"period": _("A year (for example 2025), or a month written as the year, a hyphen and the "
                                  "month's two digits.")}

    def clean(self):
        data = super().clean()
        if data.get("opens") and data.get("closes") and data["closes"] < data["opens"]:
            self.add_error("closes", _("The closing date is before the opening date."))
        return data


class EvidenceForm(forms.Form):
    summary = forms.CharField(label=_("Summary"), max_length=500)
    document_number = forms.CharField(label=_("Document number"), max_length=80, required=False)
    document_date = forms.DateField(label=_("Document date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    issuer = forms.CharField(label=_("Issuer"), max_length=200, required=False)
    file = forms.FileField(label=_("File (PDF, DOCX, XLSX, JPEG, PNG)"))


class ReviewForm(forms.Form):
    # no decision preset: the reviewer chooses one for each answer
    decision = forms.ChoiceField(label=_("Decision"), choices=[
        ("", _("— choose —")), (Answer.Review.ACCEPTED, Answer.Review.ACCEPTED.label),
        (Answer.Review.ADJUSTED, Answer.Review.ADJUSTED.label),
        (Answer.Review.RETURNED, Answer.Review.RETURNED.label), (Answer.Review.REJECTED, Answer.Review.REJECTED.label)])
    note = forms.CharField(label=_("Reason or request"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    value = forms.CharField(label=_("Verified value"), required=False)
    numerator = forms.CharField(label=_("Verified numerator"), required=False)
    denominator = forms.CharField(label=_("Verified denominator"), required=False)
    choice = forms.CharField(label=_("Verified choice"), required=False)
