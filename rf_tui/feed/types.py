"""What a front end may know of the API: the values it shows and the states it names.

Front ends (the TUI above all) import these from here, never from ``rf_tui.api``:
the feed is their only way to the server, and tests/test_layers.py checks it.
"""

from __future__ import annotations

from rf_tui.api.client import Client
from rf_tui.api.models import (
    AIAssessment,
    ChatReply,
    EscalationMetrics,
    Handoff,
    Me,
    QueueEntry,
    Session,
    SessionStep,
)
from rf_tui.api.stream import (
    Connecting,
    ConnectionState,
    EscalationStream,
    Live,
    Offline,
    Reconnecting,
    SignedOut,
    backoff_delay,
)

__all__ = [
    "AIAssessment",
    "ChatReply",
    "Client",
    "Connecting",
    "ConnectionState",
    "EscalationMetrics",
    "EscalationStream",
    "Handoff",
    "Live",
    "Me",
    "Offline",
    "QueueEntry",
    "Reconnecting",
    "Session",
    "SessionStep",
    "SignedOut",
    "backoff_delay",
]
