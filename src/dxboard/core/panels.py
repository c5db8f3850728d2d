"""Home-page panels contributed by the apps: each app registers a function (in its AppConfig.ready)
that returns the panels a person should see, so the home page knows no app by name.

A home page is a work queue: a panel with `todo` > 0 holds things waiting for this person now (reports to
triage, answers to review, overdue tasks, figures due) and comes first, with its count; information panels
follow. A provider returns no panel rather than an empty one."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50
    todo: int = 0  # how many things wait for this person's action now


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request) -> list[Panel]:
    """The person's panels: what waits for them first (by each panel's order), then the others."""
    found: list[Panel] = []
    for provider in _providers:
        found.extend(provider(request) or [])
    return sorted(found, key=lambda p: (p.todo <= 0, p.order))
