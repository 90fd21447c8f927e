"""The Textual UI. The only layer that imports Textual."""
