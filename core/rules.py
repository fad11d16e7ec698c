"""Who may do what: one `can(user, right, subject)` for every domain, and the roles it starts from.

Each domain writes its rules once, in its own rules.py, as predicates registered here for a subject type and a
right; views, the API and services all ask `can`. Administrators pass every rule here, in one place, so no
predicate repeats it. What a rule decides is who may act; which state may follow which is the business of each
domain's transition tables, which hold for administrators too.
"""

from collections.abc import Callable
from enum import StrEnum
from typing import Any

Predicate = Callable[[Any, Any], bool]


class Role(StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"
    RAPPORTEUR = "rapporteur"
    PARTICIPANT = "participant"


ROLES = tuple(Role)

_rules: dict[tuple[type, str], Predicate] = {}


def is_admin(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.role == Role.ADMIN)


def has_role(user, *roles: Role) -> bool:
    """Signed in with one of these roles; administrators have every role."""
    return bool(user is not None and user.is_authenticated and (is_admin(user) or user.role in roles))


def roles_with(*roles: Role) -> list[Role]:
    """The roles that have these (administrators have every role): for a query such as User.role.in_(...)."""
    return [*roles, Role.ADMIN]


def rule(subject_type: type, *rights: str) -> Callable[[Predicate], Predicate]:
    """Registers `predicate(user, subject)` as the rule for these rights on subjects of this type."""

    def register(predicate: Predicate) -> Predicate:
        for right in rights:
            if (subject_type, right) in _rules:
                raise ValueError(f"{subject_type.__name__}: the rule for {right!r} is written twice")
            _rules[(subject_type, right)] = predicate
        return predicate

    return register


def can(user, right: str, subject) -> bool:
    """Whether `user` (signed in or not) has `right` on `subject` (an object, or a model class for rights such as
    creating one). An unknown pair of right and subject is a programming error, never a silent no."""
    subject_type = subject if isinstance(subject, type) else type(subject)
    predicate = _rules[(subject_type, right)]
    return is_admin(user) or bool(predicate(user, subject))
