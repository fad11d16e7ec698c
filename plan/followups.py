"""What follows a paragraph up (meetings, sessions, outcomes), provided by the domains built on the plan."""

from core.blocks import BlockRegistry

paragraph_blocks = BlockRegistry()
