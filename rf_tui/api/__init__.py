"""The escalation API: models, HTTP client and live stream. Knows nothing of Textual."""
