"""rf-tui's files on disk: tokens, unread markers, theme picks, Mine, drafts, baseline runs.

Each store writes through ``atomic.write_json`` (whole or not at all, private)
and reads through ``atomic.read_json`` (a damaged file is set aside and
explained, never a traceback). No Textual and no Rich: scripting uses them.
"""
