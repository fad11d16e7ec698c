"""What the events domain announces to the domains built on it, which it must not import (participants listen)."""

from blinker import Namespace

_signals = Namespace()

# Sent with the meeting, inside the transaction that raised or lifted its capacity, before it commits.
capacity_changed = _signals.signal("capacity-changed")
