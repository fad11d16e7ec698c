"""Who may read a meeting's documents, written once.

Public documents of a visible meeting: anyone. Participants-only: the meeting's participants (a confirmed or
attended registration, made with the reader's own e-mail address, or shown by that registration's own link).
Restricted: the meeting's team holding the documents right, and the roles the organiser named (rapporteurs; the
meeting's participants). Those who hold the documents right read everything, earlier versions included.
"""

from dataclasses import dataclass

from core.rules import Role, can, has_role
from events.models import Event, MeetingRight
from materials.models import PARTICIPANTS, PUBLIC, Material


@dataclass(frozen=True)
class Reader:
    """One reader of one meeting's documents."""

    keeps_documents: bool = False  # the documents right on the meeting (administrators too)
    participant: bool = False  # a participant of the meeting (materials.services.reader_for decides)
    rapporteur: bool = False

    def may_read(self, material: Material) -> bool:
        if self.keeps_documents or material.distribution == PUBLIC:
            return True
        if material.distribution == PARTICIPANTS:
            return self.participant
        # Restricted: the roles named widen it.
        named = material.allowed_roles or []
        return (self.rapporteur and Role.RAPPORTEUR in named) or (self.participant and Role.PARTICIPANT in named)


def reader(user, event: Event, participant: bool) -> Reader:
    return Reader(
        keeps_documents=can(user, MeetingRight.DOCUMENTS, event),
        participant=participant,
        rapporteur=has_role(user, Role.RAPPORTEUR),
    )
