from django import forms
from django.utils.translation import gettext_lazy as _

from dxboard.accounts.permissions import EVERYTHING, scope
from dxboard.units.models import Unit

from .actions import SYSTEM_FIELDS, USAGE_FIELDS
from .models import CRITERIA, MAX_SCORE, Channel, Review, System

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SystemForm(forms.ModelForm):
    class Meta:
        model = System
        fields = SYSTEM_FIELDS
        widgets = {f: DATE for f in ("go_live", "retired_on", "decision_date", "security_assessed")} | {
            "purpose": forms.Textarea(attrs={"rows": 3}), "apis": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        current = Unit.objects.current()
        allowed = scope(user, "add", System)
        owners = current if allowed is EVERYTHING else current.filter(pk__in=allowed)
        if self.instance.pk:
            owners = owners | Unit.objects.filter(pk=self.instance.owner_id)
        self.fields["owner"].queryset = owners.distinct()
        self.fields["operator"].queryset = current
        self.fields["origin"].queryset = Unit.objects.exclude(valid_to__isnull=True).filter(kind__in=["province",
                                                                                                    "district"])
        self.fields["security_level"].widget.attrs.update({"min": 1, "max": 5})


class UsageForm(forms.ModelForm):
    class Meta:
        model = System
        fields = USAGE_FIELDS


class DataSetForm(forms.Form):
    name = forms.CharField(label=_("Data set"), max_length=200)
    personal_data = forms.BooleanField(label=_("Holds personal data"), required=False)


class LinkForm(forms.Form):
    target = forms.ModelChoiceField(label=_("Receiving system"), queryset=System.objects.none(), required=False)
    target_name = forms.CharField(label=_("or outside system"), max_length=200, required=False)
    dataset = forms.CharField(label=_("Data set"), max_length=200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)

    def __init__(self, *args, source=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Any registered system may receive data (the owner needs not see its details).
        qs = System.objects.exclude(stage="retired").order_by("name")
        self.fields["target"].queryset = qs.exclude(pk=source.pk) if source else qs


class ReviewForm(forms.ModelForm):
    class Meta:
        model = Review
        fields = [f for f, _l in CRITERIA] + ["findings", "verdict", "merge_with", "follow_up", "follow_up_deadline"]
        widgets = {"follow_up_deadline": DATE, "findings": forms.Textarea(attrs={"rows": 4}),
                   "follow_up": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field, _label in CRITERIA:
            self.fields[field].widget.attrs.update({"min": 0, "max": MAX_SCORE})
            self.fields[field].max_value = MAX_SCORE
        self.fields["merge_with"].queryset = System.objects.exclude(pk=self.instance.system_id).exclude(
            stage="retired")


class CampaignForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    name = forms.CharField(label=_("Name"), max_length=200)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Registry workbook (.xlsx)"),
                           error_messages={"required": _("Choose the registry workbook (.xlsx).")})
