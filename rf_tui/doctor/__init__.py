"""``rf-tui doctor``: a real backend checked against docs/contract.md, in a tech's words.

``checks`` talks to the server and returns ``Check`` lines; ``render`` turns them
into text or JSON. No Textual or Rich: it must start as quickly as a script.
"""
