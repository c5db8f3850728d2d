from django import template

register = template.Library()


@register.filter
def for_answer(form, answer_id):
    """The same empty form with ids of its own answer: a submission page shows one per answer, and
    repeated ids would send every label (and htmx's settling) to the first answer's fields."""
    return type(form)(auto_id=f"id_a{answer_id}_%s")
