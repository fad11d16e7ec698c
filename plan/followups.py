"""How later domains add what follows a paragraph up to its page, without the plan depending on them.

A provider takes a paragraph and returns (template, context) for one block of the page, or None.
"""

from collections.abc import Callable

from plan.models import Paragraph

Provider = Callable[[Paragraph], tuple[str, dict] | None]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def blocks_for(paragraph: Paragraph) -> list[tuple[str, dict]]:
    return [block for provider in _providers if (block := provider(paragraph)) is not None]
