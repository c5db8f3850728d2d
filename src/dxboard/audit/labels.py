"""What the audit log calls each action, in the reader's language (the code stays in the row, for machines).

Every `record(action=...)` of the platform has its label here; tests/dxboard/audit/test_labels.py finds the
actions in the source and fails on one without a label."""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

ACTIONS = {
    "accounts.add_membership": _("Role given"),
    "accounts.change_password": _("Password changed"),
    "accounts.create_user": _("Account created"),
    "accounts.enable_2fa": _("Two-factor authentication turned on"),
    "accounts.issue_token": _("API token issued"),
    "accounts.login": _("Signed in"),
    "accounts.remove_membership": _("Role removed"),
    "accounts.revoke_token": _("API token revoked"),
    "accounts.set_language": _("Language chosen"),
    "accounts.use_token": _("API token used (at most one entry per token and hour)"),
    "core.purge": _("Personal data past its retention period erased"),
    "feedback.answer": _("Report answered"),
    "feedback.api_client": _("Open311 client saved"),
    "feedback.approve": _("Report approved for publication"),
    "feedback.category": _("Feedback category saved"),
    "feedback.classify": _("Report classified"),
    "feedback.client_comment": _("Citizen comment relayed by an Open311 client"),
    "feedback.consent": _("Consent text saved"),
    "feedback.extension_decide": _("Report extension decided"),
    "feedback.extension_request": _("Report extension requested"),
    "feedback.forget_reporter": _("Reporter's personal data erased"),
    "feedback.hide": _("Report hidden"),
    "feedback.merge": _("Report merged into another"),
    "feedback.pause": _("Report deadline paused"),
    "feedback.rate": _("Answer rated"),
    "feedback.reject": _("Report rejected"),
    "feedback.reopen": _("Report reopened"),
    "feedback.reroute": _("Report routed to another unit"),
    "feedback.resume": _("Report deadline resumed"),
    "feedback.return_to_intake": _("Report returned to the intake office"),
    "feedback.rule": _("Routing rule saved"),
    "feedback.rule_delete": _("Routing rule deleted"),
    "feedback.start": _("Report handling started"),
    "feedback.submit": _("Report received"),
    "index.accept": _("Self-assessment accepted"),
    "index.attach_evidence": _("Evidence attached"),
    "index.compute_results": _("Results computed"),
    "index.create_campaign": _("Campaign created"),
    "index.decide_appeal": _("Appeal decided"),
    "index.file_appeal": _("Appeal filed"),
    "index.finalise": _("Result finalised"),
    "index.import_framework": _("Framework imported"),
    "index.map_indicator": _("Indicator mapped to the new version"),
    "index.open_campaign": _("Campaign opened"),
    "index.publish": _("Results published"),
    "index.publish_provisional": _("Provisional results published"),
    "index.remove_evidence": _("Evidence removed"),
    "index.request_recompute": _("Recomputation requested"),
    "index.resubmit": _("Self-assessment resubmitted"),
    "index.return": _("Self-assessment returned"),
    "index.review_answer": _("Answer reviewed"),
    "index.save_answer": _("Answer saved"),
    "index.set_grade_bands": _("Grade bands changed"),
    "index.set_official_result": _("Official result set"),
    "index.start_review": _("Review started"),
    "index.submit": _("Self-assessment submitted"),
    "index.upload_boundaries": _("Boundaries uploaded"),
    "itprojects.add_dataset": _("Data set added"),
    "itprojects.add_link": _("Data link added"),
    "itprojects.add_review": _("System review added"),
    "itprojects.close_review_campaign": _("Review round closed"),
    "itprojects.complete_review": _("System review completed"),
    "itprojects.create_system": _("IT system registered"),
    "itprojects.delete_system": _("IT system deleted"),
    "itprojects.open_review_campaign": _("Review round opened"),
    "itprojects.remove_dataset": _("Data set removed"),
    "itprojects.remove_link": _("Data link removed"),
    "itprojects.report_usage": _("Usage reported"),
    "itprojects.update_system": _("IT system changed"),
    "kpi.alert.raise": _("Figure off target"),
    "kpi.alert_rule.save": _("Alert rule saved"),
    "kpi.endpoint.save": _("Pull endpoint saved"),
    "kpi.feedback.request": _("Feedback figures requested"),
    "kpi.metric.save": _("Metric saved"),
    "kpi.observations.store": _("Figures stored"),
    "kpi.source.create": _("Source system created"),
    "kpi.source.rotate_token": _("Source system token renewed"),
    "kpi.source.save": _("Source system saved"),
    "steering.complete": _("Task completed"),
    "steering.correct_deadline": _("Task deadline corrected"),
    "steering.create_document": _("Directive registered"),
    "steering.create_plan": _("Plan created"),
    "steering.create_task": _("Task assigned"),
    "steering.decide_completion": _("Completion decided"),
    "steering.decide_extension": _("Extension decided"),
    "steering.declare_completion": _("Completion declared"),
    "steering.delete_task": _("Task deleted"),
    "steering.extend": _("Task deadline extended"),
    "steering.progress": _("Progress recorded"),
    "steering.report_progress": _("Progress reported"),
    "steering.request_extension": _("Extension requested"),
    "steering.update_plan": _("Plan corrected"),
    "steering.update_task": _("Task corrected"),
    "units.create": _("Unit created"),
    "units.succession": _("Unit succession recorded"),
    "units.update": _("Unit changed"),
    "workdays.day.delete": _("Calendar day deleted"),
    "workdays.day.save": _("Calendar day saved"),
    "workdays.load": _("Calendar loaded"),
}


def action_label(code: str):
    return ACTIONS.get(code, code)


def model_of(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


# Records of the libraries we use, named in our catalogue (theirs has no Vietnamese).
OUTSIDE_MODELS = {
    "otp_totp.totpdevice": _("two-factor authentication device"),
}


def object_label(object_type: str):
    if object_type in OUTSIDE_MODELS:
        return OUTSIDE_MODELS[object_type]
    model = model_of(object_type)
    return model._meta.verbose_name if model is not None else object_type


# Keys some actions record that are not fields of the record: a batch of figures' counts and samples
# (kpi.observations.store), the metric of a figure off target (kpi.alert.raise), the device enrolled for
# two-factor sign-in.
RECORDED_KEYS = {
    "created": _("new figures"), "corrected": _("corrected figures"), "unchanged": _("unchanged figures"),
    "rows": _("figures received"), "source": _("source of the figures"), "superseded": _("replaced figures"),
    "no_longer_counted": _("figures no longer counted"), "metric": _("metric"),
    "device": _("two-factor authentication device"),
}


def _labelled(choices: dict, value):
    """A stored value by its choice label; a list (a multiple choice, a set of codes) item by item."""
    if isinstance(value, list):
        return ", ".join(str(_labelled(choices, item)) for item in value)
    if isinstance(value, dict):
        return value
    return choices.get(value, value)


def changes(object_type: str, before: dict | None, after: dict | None) -> list[dict]:
    """The fields that changed (all of them for a creation or a deletion), each named by its label in the
    reader's language, choice values by their label; other values as they were stored."""
    model = model_of(object_type)
    fields = {f.name: f for f in model._meta.get_fields() if hasattr(f, "verbose_name")} if model else {}
    fields |= {f.attname: f for f in fields.values() if hasattr(f, "attname")}
    before, after = before or {}, after or {}
    rows = []
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if key in before and key in after and old == new:
            continue
        field = fields.get(key)
        choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
        name = field.verbose_name if field is not None else RECORDED_KEYS.get(key, key)
        rows.append({"field": name, "known": field is not None or key in RECORDED_KEYS,
                     "before": _labelled(choices, old), "after": _labelled(choices, new),
                     "coded": not choices})
    return rows
