"""rf-tui: a terminal client for ResolutionFlow's Escalation Mode."""

__version__ = "0.1.0"
