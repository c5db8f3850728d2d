import functools

from django import template
from django.utils import translation

register = template.Library()


@register.filter
def for_answer(form, answer_id):
    """The same empty form with ids of its own answer: a submission page shows one per answer, and
    repeated ids would send every label (and htmx's settling) to the first answer's fields."""
    return type(form)(auto_id=f"id_a{answer_id}_%s")


@register.filter
def for_answer_as_p(form, answer_id):
    """`for_answer(form, answer_id).as_p()`, rendered once per form, answer and language: an empty form
    is always the same HTML, and rendering its widgets was a sixth of every autosave (and of the form page,
    once per answer)."""
    return _empty_as_p(type(form), int(answer_id), translation.get_language())


@functools.lru_cache(maxsize=4096)
def _empty_as_p(form_class, answer_id: int, language: str):
    with translation.override(language):
        return form_class(auto_id=f"id_a{answer_id}_%s").as_p()
