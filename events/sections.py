"""Sections of an event's page provided by the domains built on events (agenda, registration, documents)."""

from core.blocks import BlockRegistry

event_sections = BlockRegistry()
