from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dxboard.units.models import Unit

from .models import DirectiveDocument, Pillar, Priority, RecurrenceRule


def _date_input():
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the Django documentation's recipe); each is checked by the action."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class ProgressForm(forms.Form):
    percent = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    text = forms.CharField(label=_("Progress report"), widget=forms.Textarea(attrs={"rows": 4}))
    files = MultipleFileField(label=_("Attachments (PDF, Word, Excel, images)"), required=False)


class ExtensionForm(forms.Form):
    requested_deadline = forms.DateField(label=_("New deadline"), widget=_date_input())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DeclareForm(forms.Form):
    note = forms.CharField(label=_("Result"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"),
                                 choices=[("yes", _("Approve / confirm")), ("no", _("Refuse / return"))])
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Plan title"), max_length=500)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    start = forms.DateField(label=_("Start"), widget=_date_input())
    end = forms.DateField(label=_("End"), widget=_date_input())


class PlanEditForm(PlanForm):
    """Correcting a plan: its fields and the directive document it carries out."""

    document = forms.ModelChoiceField(label=_("Directive document"), queryset=DirectiveDocument.objects.all(),
                                      required=False)


class PlanImportForm(PlanForm):
    doc_number = forms.CharField(label=_("Document number"), max_length=80)
    doc_date = forms.DateField(label=_("Document date"), widget=_date_input())
    doc_issuer = forms.CharField(label=_("Issuer"), max_length=200)
    doc_kind = forms.ChoiceField(label=_("Kind of document"), choices=DirectiveDocument.Kind.choices)
    file = forms.FileField(label=_("Tasks (.xlsx, from the template)"))


def _current_units():
    from django.utils import timezone

    today = timezone.localdate()
    return (Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .exclude(kind="district").order_by("kind", "name"))


class TaskForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    title = forms.CharField(label=_("Title"), max_length=500)
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ChoiceField(label=_("Pillar"), choices=Pillar.choices, initial=Pillar.GOVERNMENT)
    lead_unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none())
    coordinating_units = forms.ModelMultipleChoiceField(label=_("Coordinating units"), queryset=Unit.objects.none(),
                                                        required=False)
    assigned_by = forms.CharField(label=_("Assigning leader"), max_length=200, required=False)
    start_date = forms.DateField(label=_("Start date"), required=False, widget=_date_input())
    deadline = forms.DateField(label=_("Deadline"), widget=_date_input())
    expected_output = forms.CharField(label=_("Expected output"), max_length=500, required=False)
    indicator_code = forms.CharField(label=_("Linked indicator"), max_length=80, required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    frequency = forms.ChoiceField(label=_("Recurrence"), required=False,
                                  choices=[("", "—"), *RecurrenceRule.Frequency.choices])
    working_day = forms.IntegerField(label=_("n-th working day of the month (-1 = the last)"), required=False,
                                     min_value=-1, max_value=20, initial=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        units = _current_units()
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units


class TaskEditForm(TaskForm):
    """Correcting a task: the add form without the recurrence (a recurring task keeps its rule). A recurring
    task's start date and deadline lay out its periods, and a completed task's deadline stays: those
    fields are left out."""

    def __init__(self, *args, task, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["frequency"], self.fields["working_day"]
        if task.is_recurring:
            del self.fields["start_date"], self.fields["deadline"]
        elif task.completed_on is not None:
            self.fields["deadline"].disabled = True
            self.fields["deadline"].help_text = _("The task is completed: its deadline can no longer be corrected.")
        # units ended by a reform stay choosable for the task that names them
        named = [task.lead_unit_id, *(u.pk for u in task.coordinating_units.all())]
        units = Unit.objects.filter(Q(pk__in=_current_units().values("pk")) | Q(pk__in=named)).order_by("kind", "name")
        self.fields["lead_unit"].queryset = units
        self.fields["coordinating_units"].queryset = units
