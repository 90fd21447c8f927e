"""One settings model: flags, then environment, then profile, then defaults; every file
under the XDG folders; every setting documented where a tech will look."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest

from rf_tui import paths
from rf_tui.profiles import Config, Profile
from rf_tui.settings import PROFILE_KEYS, Settings, options, resolve

README = Path(__file__).parent.parent / "README.md"
WORK = Profile(
    "work",
    {"server": "https://rf.work.example", "email": "boss@work.example", "web_url": "https://w",
     "ca_bundle": "/ca.pem", "theme": "nord", "notify": True},
)  # fmt: skip
BARE = Profile("bare", {"email": "me@any.example", "theme": "dracula"})


def settle(
    config: Config | None = None, env: dict[str, str] | None = None, **flags: Any
) -> Settings:
    config = config or Config(Path("config.toml"), "work", {"work": WORK})
    found = resolve(flags, env or {}, config, saved_token=lambda server: f"saved-for-{server}")
    assert found is not None
    return found


def test_flags_win_over_the_environment_which_wins_over_the_profile() -> None:
    assert settle().server == "https://rf.work.example"
    assert settle(env={"RF_TUI_SERVER": "http://env/"}).server == "http://env"
    assert settle(env={"RF_TUI_SERVER": "http://env"}, server="http://flag").server == "http://flag"
    assert settle().token == "saved-for-https://rf.work.example"
    assert settle(env={"RF_TUI_TOKEN": "e"}).token == "e"
    assert settle(env={"RF_TUI_TOKEN": "e"}, token="f").token == "f"
    assert settle(ca_bundle="/mine.pem").ca_bundle == "/mine.pem"
    assert settle().notify is True and settle().bell is False  # the profile, the default


def test_switches_turn_on_from_a_flag_the_environment_or_the_profile() -> None:
    assert settle().reduced_motion is False
    assert settle(reduced_motion=True).reduced_motion is True
    assert settle(env={"TEXTUAL_ANIMATIONS": "none"}).reduced_motion is True
    assert settle(env={"TEXTUAL_ANIMATIONS": "full"}).reduced_motion is False
    lab = Profile("lab", {"server": "http://lab", "reduced_motion": True})
    assert settle(Config(Path("c"), None, {"lab": lab})).reduced_motion is True


def test_no_server_anywhere_is_none() -> None:
    assert resolve({}, {}, Config(Path("c")), saved_token=lambda s: None) is None


def test_a_named_profile_for_another_server_keeps_only_what_is_not_server_bound() -> None:
    found = settle(profile="work", server="http://elsewhere")
    assert (found.profile, found.theme, found.notify) == ("work", "nord", True)
    assert (found.email, found.ca_bundle, found.web_url) == (None, None, None)


def test_a_profile_without_a_server_lends_its_keys_to_the_one_named() -> None:
    found = settle(Config(Path("c"), "bare", {"bare": BARE}), server="http://any")
    assert (found.profile, found.email, found.theme) == ("bare", "me@any.example", "dracula")


def test_the_default_profile_wins_a_tie_between_profiles_for_one_server() -> None:
    twin = Profile("twin", {**WORK.values, "email": "twin@work.example"})
    config = Config(Path("c"), "twin", {"work": WORK, "twin": twin})
    assert settle(config, server="HTTPS://RF.WORK.EXAMPLE/").email == "twin@work.example"
    no_default = Config(Path("c"), None, {"work": WORK, "twin": twin})
    assert settle(no_default, server="https://rf.work.example").profile == "work"  # file order


def test_every_setting_is_documented_in_the_model() -> None:
    source = inspect.getsource(Settings)
    for name in {f.name for f, _ in options()} | {"reconcile_every", "state_dir"}:
        assert re.search(rf"#:.*\n(\s+#:.*\n)*\s+{name}:", source), f"{name} has no #: comment"


def test_every_config_key_is_in_the_readme_table() -> None:
    table = README.read_text()
    for key in PROFILE_KEYS:
        assert f"| `{key}` |" in table, f"README's key table lacks {key}"


def test_every_file_lives_under_the_xdg_folders(tmp_path: Path) -> None:
    state, config = tmp_path / "xdg_state_home", tmp_path / "xdg_config_home"
    assert paths.config_path() == config / "rf-tui" / "config.toml"
    assert paths.token_path("https://rf.example").is_relative_to(state / "rf-tui" / "tokens")
    base = paths.state_dir()
    assert base == state / "rf-tui"
    files = {
        paths.seen_path(base, "https://rf.example", "u1"),
        paths.seen_path(base, "https://rf.example", "u2"),
        paths.seen_path(base, "https://other.example", "u1"),
        paths.claimed_path(base, "https://rf.example", "u1"),
        paths.prefs_path(base, "lab"),
        paths.prefs_path(base, "../../etc"),
    }
    assert len(files) == 6 and all(f.parent.parent == base for f in files)


@pytest.mark.parametrize("written", ["https://rf.work.example/", "HTTPS://Rf.Work.Example"])
def test_a_server_written_differently_is_still_that_profiles(written: str) -> None:
    config = Config(Path("c"), None, {"lab": Profile("lab"), "work": WORK})
    assert settle(config, server=written).email == "boss@work.example"
