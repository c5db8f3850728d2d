"""The form of a calendar day. It only collects the fields: actions.clean_day checks them (one place,
messages naming the field)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Holiday


class DayForm(forms.Form):
    date = forms.CharField(label=_("Date"), required=False,
                           widget=forms.DateInput(attrs={"type": "date", "required": True}, format="%Y-%m-%d"))
    name = forms.CharField(label=_("Name"), required=False, widget=forms.TextInput(attrs={"required": True}))
    name_en = forms.CharField(label=_("Name (English)"), required=False)
    kind = forms.CharField(label=_("Kind"), required=False, initial=Holiday.Kind.HOLIDAY,
                           widget=forms.Select(choices=Holiday.Kind.choices))
    source = forms.CharField(label=_("Source"), required=False,
                             help_text=_("The decision or notice that sets this day, e.g. its number and date."))
    provisional = forms.BooleanField(label=_("Provisional (not yet checked against the official notice)"),
                                     required=False)

    def __init__(self, *args, holiday: Holiday | None = None, **kwargs):
        if holiday is not None:
            kwargs["initial"] = {"date": holiday.date.isoformat(), "name": holiday.name, "name_en": holiday.name_en,
                                 "kind": holiday.kind, "source": holiday.source, "provisional": holiday.provisional}
        super().__init__(*args, **kwargs)
        if holiday is not None:
            self.fields["date"].disabled = True  # a day is held per date: to move it, delete it and add another
