"""Stand-ins for the people, clients, places and machines in escalations: for demo takes.

``rf-tui demo --present`` shows everything through a :class:`Disguise`, so a
recording never carries a real colleague's name, a client, a site, a host name
or an address. Two promises make takes usable:

- **Stable:** a name's stand-in is picked from a hash of the name, so take 2
  shows the same "Robin Hale" for the same person as take 1.
- **Distinct:** two names never share a stand-in while the pool lasts (the pick
  moves on to the next free one), so viewers can still tell people apart.

Pure Python over the API models: no Textual, no network.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from rf_tui.api.models import AIAssessment, ChatReply, Handoff, Me, Session

FAKE_PEOPLE = (
    "Robin Hale", "Casey Lund", "Jordan Pike", "Avery Stone", "Quinn Marsh",
    "Riley Ford", "Morgan Vale", "Emery Cross", "Harper Dunn", "Rowan Blake",
    "Sage Whitley", "Reese Calder",
)  # fmt: skip
FAKE_CLIENTS = (
    "Acme Widgets", "Bluebell Bakery", "Orchard Vets", "Granite Legal",
    "Lumen Opticians", "Copperfield Builders", "Juniper Dental", "Foxglove Nurseries",
)  # fmt: skip
FAKE_PLACES = ("Riverton", "Eastbrook", "Millford", "Ashby Vale", "Northgate", "Kingsmoor")
FAKE_HOSTS = tuple(
    f"{kind}-{word}-{n:02d}"
    for n, (kind, word) in enumerate(
        [("WS", "ORCA"), ("LT", "LYNX"), ("SRV", "KITE"), ("PC", "WREN"), ("LT", "HERON"),
         ("SRV", "OTTER"), ("WS", "FINCH"), ("PC", "MOTH"), ("SRV", "ROOK"), ("LT", "VOLE")],
        start=1,
    )
)  # fmt: skip
#: RFC 5737's documentation network: addresses that belong to nobody.
FAKE_ADDRESSES = tuple(f"192.0.2.{n}" for n in range(10, 250))
FAKE_DOMAIN = "example.com"

# Host names as MSPs write them: hyphenated with a number (LT-ACCT-07, SRV-FS-02)
# or a role with a zero-padded number (PRINT01, DC01). Not KB5034441 or M365.
_HOST = r"\b[A-Z]{2,}(?:-[A-Z0-9]+)*-\d{2,3}\b|\b[A-Z]{2,}0\d{1,2}\b"
_ADDRESS = r"\b(?:\d{1,3}\.){3}\d{1,3}\b"
_EMAIL = r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b"

M = TypeVar("M", bound=Handoff)


def _digest(key: str) -> int:
    return int.from_bytes(hashlib.sha256(key.encode()).digest()[:4], "big")


class Pool:
    """Stand-ins drawn from a fixed list: the same for the same name, never shared."""

    def __init__(self, fakes: Sequence[str]) -> None:
        self.fakes = fakes
        self.given: dict[str, str] = {}

    def pick(self, real: str) -> str:
        key = " ".join(real.split()).lower()
        if key in self.given:
            return self.given[key]
        taken = set(self.given.values())
        start = _digest(key) % len(self.fakes)
        for step in range(len(self.fakes)):
            fake = self.fakes[(start + step) % len(self.fakes)]
            if fake not in taken:
                break
        else:  # the pool is used up: still distinct, if less pretty
            fake = f"{self.fakes[start]} {len(self.given) + 1}"
        self.given[key] = fake
        return fake


class Disguise:
    """Swaps real names for stand-ins in names and in free text.

    ``people``, ``clients`` and ``places`` are the names known up front, taken
    in the order given: with the same list, every take gets the same stand-ins
    whatever order the names then turn up in. People seen later (a claimer's
    name in an event) join as they come.
    """

    def __init__(
        self,
        *,
        people: Iterable[str] = (),
        clients: Iterable[str] = (),
        places: Iterable[str] = (),
    ) -> None:
        self.people = Pool(FAKE_PEOPLE)
        self.clients = Pool(FAKE_CLIENTS)
        self.places = Pool(FAKE_PLACES)
        self.hosts = Pool(FAKE_HOSTS)
        self.addresses = Pool(FAKE_ADDRESSES)
        self._names: dict[str, str] = {}  # a person's full and first name → stand-in
        self._terms: dict[str, str] = {}  # a client or place, lower-case → stand-in
        for name in people:
            self.person(name)
        for client in clients:
            fake = self.clients.pick(client)
            self._terms[client.lower()] = fake
            # People say "Kestrel" for Kestrel Logistics.
            short, fake_short = client.split()[0], fake.split()[0]
            if len(short) >= 4:
                self._terms.setdefault(short.lower(), fake_short)
        for place in places:
            self._terms[place.lower()] = self.places.pick(place)
        self._pattern: re.Pattern[str] | None = None

    # ── Names ────────────────────────────────────────────────────────────────

    def person(self, name: str | None) -> str | None:
        """A person's stand-in; None and "" stay as they are."""
        if not name or not name.strip():
            return name
        fake = self.people.pick(name)
        real = " ".join(name.split())
        if real not in self._names:
            self._names[real] = fake
            first, fake_first = real.split()[0], fake.split()[0]
            if len(first) >= 3:  # "Al" would hit too many words
                self._names.setdefault(first, fake_first)
            self._pattern = None  # a new name to look for in text
        return fake

    # ── Text ─────────────────────────────────────────────────────────────────

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            longest_first = sorted(self._names, key=len, reverse=True)
            terms = sorted(self._terms, key=len, reverse=True)
            parts = [f"(?P<email>{_EMAIL})"]
            if longest_first:
                parts.append(r"(?P<name>\b(?:" + "|".join(map(re.escape, longest_first)) + r")\b)")
            if terms:
                parts.append(r"(?P<term>(?i:\b(?:" + "|".join(map(re.escape, terms)) + r")\b))")
            parts += [f"(?P<address>{_ADDRESS})", f"(?P<host>{_HOST})"]
            self._pattern = re.compile("|".join(parts))
        return self._pattern

    def _swap(self, match: re.Match[str]) -> str:
        found = match.group()
        kind = match.lastgroup
        if kind == "name":
            return self._names[found]
        if kind == "term":
            return self._terms[found.lower()]
        if kind == "address":
            return self.addresses.pick(found)
        if kind == "host":
            return self.hosts.pick(found)
        local = found.split("@", 1)[0]
        known = self._names.get(local.capitalize())
        return f"{(known or local).lower()}@{FAKE_DOMAIN}"

    def text(self, value: str | None) -> str | None:
        """The same text with every known name, client, place, host and address swapped.

        One pass, so a stand-in is never itself swapped again.
        """
        if not value:
            return value
        return self._compiled().sub(self._swap, value)

    def _deep(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {k: self._deep(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return type(value)(self._deep(v) for v in value)
        return value

    # ── Models ───────────────────────────────────────────────────────────────

    def handoff(self, handoff: M) -> M:
        ai = handoff.ai_assessment_data
        return handoff.model_copy(
            update={
                "handed_off_by_name": self.person(handoff.handed_off_by_name),
                "claimed_by_name": self.person(handoff.claimed_by_name),
                "problem_summary": self.text(handoff.problem_summary),
                "engineer_notes": self.text(handoff.engineer_notes),
                "snapshot": self._deep(handoff.snapshot),
                "ai_assessment_data": None if ai is None else self.assessment(ai),
            }
        )

    def handoffs(self, handoffs: Sequence[M]) -> list[M]:
        """Many at once: every name first, so one row's note cannot show the real
        name of a person whose own row comes later."""
        for handoff in handoffs:
            self.person(handoff.handed_off_by_name)
            self.person(handoff.claimed_by_name)
        return [self.handoff(handoff) for handoff in handoffs]

    def assessment(self, ai: AIAssessment) -> AIAssessment:
        return ai.model_copy(
            update={
                "likely_cause": self.text(ai.likely_cause),
                "suggested_steps": tuple(self.text(s) or "" for s in ai.suggested_steps),
                "confidence": self.text(ai.confidence)
                if isinstance(ai.confidence, str)
                else ai.confidence,
            }
        )

    def session(self, session: Session) -> Session:
        package = session.escalation_package
        return session.model_copy(
            update={
                "problem_summary": self.text(session.problem_summary) or "",
                "escalation_package": package.model_copy(
                    update={
                        field: tuple(
                            step.model_copy(
                                update={
                                    "description": self.text(step.description) or "",
                                    "result": self.text(step.result),
                                    "reason": self.text(step.reason),
                                }
                            )
                            for step in getattr(package, field)
                        )
                        for field in ("steps_attempted", "dead_ends_flagged")
                    }
                ),
                "conversation_messages": tuple(
                    m.model_copy(update={"content": self.text(m.content) or ""})
                    for m in session.conversation_messages
                ),
                "steps": tuple(
                    s.model_copy(update={"content": self.text(s.content) or ""})
                    for s in session.steps
                ),
            }
        )

    def reply(self, reply: ChatReply) -> ChatReply:
        return reply.model_copy(update={"content": self.text(reply.content) or ""})

    def me(self, me: Me) -> Me:
        return me.model_copy(
            update={"name": self.person(me.name) or "", "email": self.text(me.email) or ""}
        )
