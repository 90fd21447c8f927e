"""The feed: one consumer of the stream and the queue for every front end (no Textual)."""
