"""State machines as data: each domain's table of named steps, checked before anything changes."""

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


@dataclass(frozen=True)
class Step:
    sources: frozenset[StrEnum]
    target: StrEnum


class NotPossible(ValueError):
    """The step does not start from the current state."""

    def __init__(self, step: str, state: StrEnum | None):
        super().__init__(f"{step} is not possible from {state}")
        self.step, self.state = step, state


class Transitions:
    """Named steps from sets of states to one state, such as {"approve": ({PENDING}, CONFIRMED)}."""

    def __init__(self, steps: dict[str, tuple[Iterable[StrEnum | None], StrEnum]]):
        self.steps = {name: Step(frozenset(sources), target) for name, (sources, target) in steps.items()}

    def allows(self, state: StrEnum | None, step: str) -> bool:
        return state in self.steps[step].sources

    def possible(self, state: StrEnum | None) -> list[str]:
        """The steps that may follow this state, in the table's order."""
        return [name for name, step in self.steps.items() if state in step.sources]

    def targets(self, state: StrEnum | None) -> list[StrEnum]:
        """The states that may follow this one, each once, in the table's order."""
        return list(dict.fromkeys(self.steps[name].target for name in self.possible(state)))

    def step_to(self, state: StrEnum | None, target: str) -> str:
        """The name of the step that leads from this state to `target`; NotPossible when none does."""
        for name in self.possible(state):
            if self.steps[name].target == target:
                return name
        raise NotPossible(f"to {target}", state)

    def check(self, state: StrEnum | None, step: str) -> StrEnum:
        """The state the step leads to, once it is known to start from this one."""
        if not self.allows(state, step):
            raise NotPossible(step, state)
        return self.steps[step].target
