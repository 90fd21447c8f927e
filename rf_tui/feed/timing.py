"""Feed timings that lighter modules quote (``rf-tui doctor``'s help) without loading
the feed, the API client and httpx behind it."""

from __future__ import annotations

#: The queue is fetched this often while no stream is live (at most).
UNLIVE_EVERY = 5.0
