"""The reference server: docs/contract.md implemented for real (HTTP, SQLite, SSE).

It powers ``rf-tui serve``, ``rf-tui demo`` and the tests. It never imports the UI.
"""
