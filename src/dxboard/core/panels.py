"""Home-page panels contributed by the apps: each app registers a function (in its AppConfig.ready)
that returns the panels a person should see, so the home page knows no app by name."""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Panel:
    title: str
    template: str
    context: dict = field(default_factory=dict)
    order: int = 50


_providers: list[Callable] = []


def register(provider: Callable) -> Callable:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def panels_for(request) -> list[Panel]:
    found: list[Panel] = []
    for provider in _providers:
        found.extend(provider(request) or [])
    return sorted(found, key=lambda p: p.order)
