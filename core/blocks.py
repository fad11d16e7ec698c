"""Extension points: a page of a lower domain shows blocks that higher domains provide.

The plan's paragraph page lists meetings, sessions and outcomes; an event's page shows its agenda and
registration. The lower domain owns a registry; each higher domain registers a provider at start-up, so imports
still point one way only.
"""

from collections.abc import Callable
from typing import Any

Block = tuple[str, dict]


class BlockRegistry:
    def __init__(self) -> None:
        self._providers: list[Callable[[Any], Block | None]] = []

    def register(self, provider: Callable[[Any], Block | None]) -> None:
        if provider not in self._providers:
            self._providers.append(provider)

    def blocks_for(self, subject: Any) -> list[Block]:
        """(template, context) for each block, in the order the providers were registered."""
        return [block for provider in self._providers if (block := provider(subject)) is not None]
