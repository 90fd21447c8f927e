"""Who else has each escalation open: heartbeats heard, lapses, and never oneself."""

from __future__ import annotations

from rf_tui.state.presence import VIEWING_TTL, Presence, ttl_or


def test_a_heartbeat_shows_and_a_refresh_changes_nothing() -> None:
    presence = Presence()
    assert presence.viewing("h1", "u-alex", "Alex Moreno", now=0.0)
    assert presence.viewers("h1", now=0.0) == ("Alex Moreno",)
    assert not presence.viewing("h1", "u-alex", "Alex Moreno", now=10.0)  # still there
    assert presence.viewers("h2", now=10.0) == ()


def test_first_comer_first_and_stopping_shows_at_once() -> None:
    presence = Presence()
    presence.viewing("h1", "u-alex", "Alex", now=0.0)
    presence.viewing("h1", "u-sam", "Sam", now=1.0)
    presence.viewing("h1", "u-alex", "Alex", now=10.0)  # a refresh keeps Alex first
    assert presence.viewers("h1", now=10.0) == ("Alex", "Sam")
    assert presence.stopped("h1", "u-alex", now=11.0)
    assert presence.viewers("h1", now=11.0) == ("Sam",)
    assert not presence.stopped("h1", "u-nobody", now=11.0)
    assert presence.stopped("h1", "u-sam", now=12.0)
    assert len(presence) == 0


def test_a_viewer_not_heard_of_for_30_s_lapses_without_an_event() -> None:
    presence = Presence()
    presence.viewing("h1", "u-alex", "Alex", now=100.0)
    presence.viewing("h2", "u-sam", "Sam", now=110.0)
    assert presence.viewers("h1", now=100.0 + VIEWING_TTL - 0.1) == ("Alex",)
    assert presence.expire(now=100.0 + VIEWING_TTL - 0.1) == set()
    assert presence.viewers("h1", now=100.0 + VIEWING_TTL) == ()
    assert presence.expire(now=100.0 + VIEWING_TTL) == {"h1"}
    assert presence.expire(now=100.0 + VIEWING_TTL) == set()  # said once
    assert presence.viewers("h2", now=130.0) == ("Sam",)
    assert len(presence) == 1


def test_a_viewer_back_after_a_lapse_comes_last() -> None:
    presence = Presence()
    presence.viewing("h1", "u-alex", "Alex", now=0.0)
    presence.viewing("h1", "u-sam", "Sam", now=20.0)
    assert presence.viewing("h1", "u-alex", "Alex", now=35.0)  # lapsed at 30, back at 35
    assert presence.viewers("h1", now=35.0) == ("Sam", "Alex")


def test_the_server_says_how_long_a_heartbeat_counts_within_reason() -> None:
    presence = Presence()
    presence.viewing("h1", "u-alex", "Alex", now=0.0, expires_in=60.0)
    assert presence.viewers("h1", now=59.0) == ("Alex",)
    assert ttl_or(None, 30.0) == 30.0
    assert ttl_or(float("nan"), 30.0) == 30.0
    assert ttl_or(0.0, 30.0) == 5.0  # not gone before the next heartbeat could come
    assert ttl_or(1e9, 30.0) == 300.0  # nor kept for ever


def test_never_oneself() -> None:
    presence = Presence()
    presence.me = "u-dana"
    assert not presence.viewing("h1", "u-dana", "Dana", now=0.0)
    assert presence.viewers("h1", now=0.0) == ()
    assert presence.viewing("h1", "u-alex", "Alex", now=0.0)
    assert presence.viewers("h1", now=0.0) == ("Alex",)
    assert presence.expire(now=VIEWING_TTL) == {"h1"}  # Alex lapsing changes the row
    presence.viewing("h2", "u-dana", "Dana", now=100.0)
    assert presence.expire(now=100.0 + VIEWING_TTL) == set()  # my own lapsing does not
    assert not presence.stopped("h3", "u-dana", now=200.0)


def test_a_heartbeats_answer_replaces_what_was_known() -> None:
    presence = Presence()
    presence.me = "u-dana"
    presence.viewing("h1", "u-sam", "Sam", now=0.0)
    presence.viewing("h1", "u-alex", "Alex", now=1.0)
    # Sam closed it and the event was lost; the answer to our heartbeat says who is there.
    assert presence.answered("h1", [("u-dana", "Dana"), ("u-alex", "Alex")], now=5.0)
    assert presence.viewers("h1", now=5.0) == ("Alex",)
    assert not presence.answered("h1", [("u-alex", "Alex"), ("u-dana", "Dana")], now=6.0)
    assert presence.viewers("h1", now=6.0 + VIEWING_TTL - 0.1) == ("Alex",)  # refreshed
    assert presence.answered("h1", [], now=7.0)
    assert len(presence) == 0
