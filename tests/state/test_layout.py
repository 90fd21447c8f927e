"""How the queue fits a window, without a UI: widths, places, short ids, counts, leaving."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rf_tui.state.layout import (
    COLUMNS,
    LEAD,
    PRIORITY_GLYPH,
    PRIORITY_WORDS,
    SCROLLBAR,
    Leaving,
    Needs,
    Widths,
    count_words,
    keep_in_place,
    person_text,
    place_text,
    short_ids,
    split_place,
)

#: The demo's rows: a 69-cell problem, "Aire Valley Schools Trust, Keighley", Sam Okafor, notes.
DEMO = Needs(summary=69, client=35, requester=10, notes=40)
NO_PLACES = Needs(summary=69, client=0, requester=10, notes=40)


class TestWidths:
    def test_80_columns_give_the_problem_room_and_keep_the_client(self) -> None:
        w = Widths.fit(80, DEMO)
        assert w.summary >= 40  # it was 23
        assert w.client >= 16 and w.requester >= 6  # "Kestrel…, Leeds", "Sam O."
        assert w.notes == 0 and w.priority == PRIORITY_GLYPH  # the narrow ones gave way
        assert w.used() == 80 - LEAD - SCROLLBAR

    def test_60_columns_still_show_the_client(self) -> None:
        w = Widths.fit(60, DEMO)
        assert w.client >= 14 and w.summary >= 24  # "Harb…, Bristol"
        assert w.used() == 60 - LEAD - SCROLLBAR

    def test_wide_windows_show_everything_whole(self) -> None:
        w = Widths.fit(160, DEMO)
        assert (w.summary, w.client, w.requester, w.priority) == (69, 35, 10, PRIORITY_WORDS)
        assert w.notes > 12

    def test_without_places_there_is_no_client_column(self) -> None:
        w = Widths.fit(80, NO_PLACES)
        assert w.client == 0 and "client" not in w.shown()
        assert w.summary >= 55

    def test_room_to_spare_goes_to_the_problem(self) -> None:
        w = Widths.fit(200, Needs(summary=20, client=0, requester=10, notes=10))
        assert w.notes == 10 and w.summary > 100

    def test_the_narrow_columns_give_way_before_the_problem(self) -> None:
        # Every step narrower takes from the others until they are at their floors.
        previous = Widths.fit(200, DEMO)
        for total in range(199, 70, -1):
            w = Widths.fit(total, DEMO)
            if w.summary < DEMO.summary:
                assert w.notes == 0 and w.priority == PRIORITY_GLYPH and w.requester <= 8
            assert w.summary <= previous.summary or w.notes < previous.notes
            previous = w

    @given(
        st.integers(min_value=1, max_value=400),
        st.builds(
            Needs,
            summary=st.integers(7, 90),
            client=st.integers(0, 36),
            requester=st.integers(0, 16),
            notes=st.integers(0, 40),
        ),
    )
    def test_never_wider_than_the_window_once_it_fits_the_fixed_columns(
        self, total: int, needs: Needs
    ) -> None:
        w = Widths.fit(total, needs)
        assert all(w.of(c) >= 0 for c in COLUMNS)
        assert w.summary >= 1
        if total >= 30:
            assert w.used() <= total - LEAD - SCROLLBAR


class TestPlace:
    @pytest.mark.parametrize(
        ("summary", "problem", "place"),
        [
            (
                "VPN drops every few minutes on three laptops since KB5034441 went out "
                "(Kestrel Logistics, Leeds)",
                "VPN drops every few minutes on three laptops since KB5034441 went out",
                ("Kestrel Logistics", "Leeds"),
            ),
            ("VPN drops every few minutes — Contoso, Leeds", "VPN drops every few minutes",
             ("Contoso", "Leeds")),
            ("Printer jams – Wolds Veterinary Group, Beverley", "Printer jams",
             ("Wolds Veterinary Group", "Beverley")),
            ("Printer on fire (again, Monday)", "Printer on fire (again, Monday)", None),
            ("Firewall rule (VPN, DNS)", "Firewall rule (VPN, DNS)", None),
            ("Backups fail (error 5, 0x800423f4)", "Backups fail (error 5, 0x800423f4)", None),
            ("(Kestrel Logistics, Leeds)", "(Kestrel Logistics, Leeds)", None),
            ("Plain problem", "Plain problem", None),
        ],
    )  # fmt: skip
    def test_the_client_and_town_that_end_a_summary(
        self, summary: str, problem: str, place: tuple[str, str] | None
    ) -> None:
        assert split_place(summary) == (problem, place)

    def test_a_huge_summary_is_read_at_its_tail_only(self) -> None:
        summary = "x(" * 1_000_000 + " (Kestrel Logistics, Leeds)"
        problem, place = split_place(summary)
        assert place == ("Kestrel Logistics", "Leeds") and len(problem) == 2_000_000

    def test_the_client_is_cut_before_the_town(self) -> None:
        place = ("Kestrel Logistics", "Leeds")
        assert place_text(place, 40) == "Kestrel Logistics, Leeds"
        assert place_text(place, 16) == "Kestrel…, Leeds"
        assert len(place_text(("Aire Valley Schools Trust", "Keighley"), 12)) <= 12

    def test_a_name_shortens_to_first_name_and_initial(self) -> None:
        assert person_text("Sam Okafor", 10) == "Sam Okafor"
        assert person_text("Sam Okafor", 6) == "Sam O."
        assert person_text("Sam Okafor", 4) == "Sam"
        assert person_text("Bartholomew", 6) == "Barth…"


def test_short_ids_grow_until_they_differ() -> None:
    ids = ["3f9a0c1e-aaaa", "3f9a77d0-bbbb", "c0ffee00-cccc"]
    assert short_ids(ids) == {
        ids[0]: "3f9a0",
        ids[1]: "3f9a7",
        ids[2]: "c0ffe",
    }  # one length for all
    assert short_ids(["h1", "h2"]) == {"h1": "h1", "h2": "h2"}
    assert short_ids(["same", "same"]) == {"same": "same"}


def test_the_header_counts_what_a_filter_shows() -> None:
    assert count_words(5, 5, filtered=False) == "5 escalations awaiting pickup"
    assert count_words(1, 1, filtered=False) == "1 escalation awaiting pickup"
    assert count_words(5, 5, filtered=False, compact=True) == "5 waiting"
    assert count_words(2, 5, filtered=True) == "2 of 5 shown"
    assert count_words(0, 5, filtered=True, compact=True) == "0 of 5 shown"


class TestLeaving:
    def test_a_row_on_its_way_out_keeps_its_place(self) -> None:
        assert keep_in_place(["a", "b", "c"], ["a", "c"], ["b"]) == ["a", "b", "c"]
        assert keep_in_place(["a", "b", "c"], ["n", "a", "c"], ["b"]) == ["n", "a", "b", "c"]
        assert keep_in_place(["b", "a"], ["a"], ["b"]) == ["b", "a"]
        assert keep_in_place(["a", "b", "c"], ["a"], ["b", "c"]) == ["a", "b", "c"]
        assert keep_in_place(["a", "b"], ["a", "b"], ["b"]) == ["a", "b"]  # back again

    def test_it_names_who_and_goes_after_its_moment(self) -> None:
        leaving = Leaving(2.5)
        assert leaving.add("h1", "Alex Moreno", now=10.0)
        assert leaving.add("h2", None, now=11.0)
        assert leaving.words("h1") == "claimed by Alex Moreno"
        assert leaving.words("h2") == "claimed"
        assert not leaving.add("h1", "Someone Else", now=12.0)  # not kept longer
        assert (
            leaving.add("h2", "Sam", now=12.0) is False and leaving.words("h2") == "claimed by Sam"
        )
        assert leaving.due(12.4) == [] and leaving.next_due() == 12.5
        assert leaving.due(12.5) == ["h1"] and "h1" not in leaving and "h2" in leaving
        assert leaving.due(20.0) == ["h2"] and not leaving

    def test_a_row_only_seen_gone_is_not_said_to_be_claimed(self) -> None:
        leaving = Leaving(2.5)
        leaving.add("h1", None, now=0.0, claimed=False)
        assert leaving.words("h1") == "no longer waiting"
        assert "claimed or withdrawn" in leaving.sentence("h1")
        leaving.add("h1", "Alex Moreno", now=1.0)  # the claim's 409 names who, later
        assert leaving.words("h1") == "claimed by Alex Moreno"
