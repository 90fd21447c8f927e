"""``rf-tui completion bash|zsh|fish``: completion scripts made from the parser itself.

Generated, not hand-kept, so a new flag or command completes the day it lands.
Each script finds the command typed so far the same way: words that are not
flags, and not the value of a flag that takes one, walk down the command tree.
A flag's value completes as profile names (``--profile``), its choices
(``--period``), files (a metavar of PATH or FILE) or nothing.

zsh gets a native function (compsys), not bash's through ``bashcompinit``:
zsh reads ``${words[@]:1:n}`` as history modifiers, and its ``path`` and
``commands`` are special parameters, so a bash function fails there.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field

SHELLS = ("bash", "zsh", "fish")

#: Where profile names come from; the scripts run it through the shell's PATH.
PROFILE_NAMES = "rf-tui config names 2>/dev/null"


@dataclass
class Node:
    """What may follow one command (``""`` for ``rf-tui`` itself, ``"config show"``)."""

    #: Subcommands and a positional's choices, with their help.
    words: dict[str, str] = field(default_factory=dict)
    #: Long flags, with their help.
    flags: dict[str, str] = field(default_factory=dict)
    #: The flags that take a value, and what: "profile", "file" or a metavar.
    valued: dict[str, str] = field(default_factory=dict)
    #: The flags whose value is one of a few words (``--period 7d|30d|90d``).
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _help(action: argparse.Action) -> str:
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    text = argparse.HelpFormatter("rf-tui")._expand_help(action)
    return " ".join(text.split())


def _value_kind(action: argparse.Action) -> str:
    if "--profile" in action.option_strings:
        return "profile"
    metavar = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
    return "file" if metavar.endswith(("PATH", "FILE")) else metavar


def tree(parser: argparse.ArgumentParser) -> dict[str, Node]:
    """Every command path of ``parser`` and what may follow it."""
    found: dict[str, Node] = {}

    def walk(key: str, at: argparse.ArgumentParser) -> None:
        node = found.setdefault(key, Node())
        for action in at._actions:
            if action.help == argparse.SUPPRESS:
                continue
            if isinstance(action, argparse._SubParsersAction):
                helps = {a.dest: _help(a) for a in action._choices_actions}
                for name, sub in action.choices.items():
                    node.words[name] = helps.get(name, "")
                    walk(f"{key} {name}".strip(), sub)
            elif action.option_strings:
                for flag in (s for s in action.option_strings if s.startswith("--")):
                    node.flags[flag] = _help(action)
                    if action.nargs != 0:
                        node.valued[flag] = _value_kind(action)
                    if action.choices is not None:
                        node.choices[flag] = tuple(str(choice) for choice in action.choices)
            elif action.choices is not None:
                node.words.update({str(choice): "" for choice in action.choices})

    walk("", parser)
    return found


def _valued(nodes: dict[str, Node]) -> dict[str, str]:
    every: dict[str, str] = {}
    for node in nodes.values():
        for flag, kind in node.valued.items():
            every.setdefault(flag, kind)
    return every


def _choices(nodes: dict[str, Node]) -> dict[str, tuple[str, ...]]:
    every: dict[str, tuple[str, ...]] = {}
    for node in nodes.values():
        for flag, words in node.choices.items():
            every.setdefault(flag, words)
    return every


def _value_help(nodes: dict[str, Node]) -> dict[str, str]:
    """What to type after each flag that takes a value: its metavar and its help."""
    said: dict[str, str] = {}
    for node in nodes.values():
        for flag, kind in node.valued.items():
            said.setdefault(flag, f"{kind}: {node.flags[flag]}" if node.flags[flag] else kind)
    return said


def _sh(text: str) -> str:
    """Single-quoted for bash and zsh."""
    return "'" + text.replace("'", "'\\''") + "'"


def bash(parser: argparse.ArgumentParser) -> str:
    nodes = tree(parser)
    valued = _valued(nodes)
    takes_value = "|".join(sorted(valued))
    keys = "|".join(k for k in nodes if k)
    # As in zsh and fish: the commands, or the flags once a "-" is typed (or
    # when there is no command to offer).
    cases = "\n".join(
        f'        "{key}") words="{" ".join(node.words)}" flags="{" ".join(sorted(node.flags))}" ;;'
        for key, node in nodes.items()
    )
    picks = "".join(
        f'        {flag})\n            COMPREPLY=( $(compgen -W "{" ".join(words)}" -- "$cur") )\n'
        "            return ;;\n"
        for flag, words in sorted(_choices(nodes).items())
    )
    return f"""# rf-tui completion for bash. Load it with:  source <(rf-tui completion bash)
_rf_tui() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local cmd="" word skip="" i
    for (( i = 1; i < COMP_CWORD; i++ )); do
        word="${{COMP_WORDS[i]}}"
        # bash splits --flag=value at the "=": the word after it is a value.
        if [ "$word" = "=" ]; then skip=1; continue; fi
        if [ -n "$skip" ]; then skip=""; continue; fi
        case "$word" in
            {takes_value}) skip=1 ;;
            -*) ;;
            *) case "|{keys}|" in *"|${{cmd:+$cmd }}$word|"*) cmd="${{cmd:+$cmd }}$word" ;; esac ;;
        esac
    done
    if [ "$cur" = "=" ]; then cur=""; fi
    if [ "$prev" = "=" ] && [ "$COMP_CWORD" -gt 1 ]; then prev="${{COMP_WORDS[COMP_CWORD-2]}}"; fi
    case "$prev" in
        --profile)
            COMPREPLY=( $(compgen -W "$({PROFILE_NAMES})" -- "$cur") )
            return ;;
{picks}        {takes_value})
            COMPREPLY=()  # a file name, or a value of your own
            return ;;
    esac
    local words="" flags=""
    case "$cmd" in
{cases}
    esac
    case "$cur" in -*) words="" ;; esac
    COMPREPLY=( $(compgen -W "${{words:-$flags}}" -- "$cur") )
}}
complete -o default -F _rf_tui rf-tui
"""


def _described(entries: dict[str, str]) -> str:
    return " ".join(_sh(f"{name}:{text}" if text else name) for name, text in entries.items())


def zsh(parser: argparse.ArgumentParser) -> str:
    nodes = tree(parser)
    valued = _valued(nodes)
    takes_value = "|".join(sorted(valued))
    keys = "|".join(_sh(k) for k in nodes if k)
    said = _value_help(nodes)
    picks = _choices(nodes)
    values = "\n".join(
        f"        ({flag}) _wanted values expl {_sh(said[flag])} compadd -- "
        f"{' '.join(map(_sh, picks[flag]))}; return ;;"
        if flag in picks
        else f"        ({flag}) _message {_sh(said[flag])}; return ;;"
        for flag, kind in sorted(valued.items())
        if kind not in ("profile", "file")
    )
    files = "|".join(sorted(f for f, kind in valued.items() if kind == "file")) or "--"
    cases = "\n".join(
        f"        ({_sh(key)})\n"
        f"            rf_subs=({_described(node.words)})\n"
        f"            rf_flags=({_described(dict(sorted(node.flags.items())))}) ;;"
        for key, node in nodes.items()
    )
    # Every local has an rf_ prefix: zsh's path, commands, options and words are
    # special, and a local of that name would hide the real one (local path
    # empties $PATH).
    return f"""# rf-tui completion for zsh. Load it with:  source <(rf-tui completion zsh)
_rf_tui() {{
    local rf_cmd="" rf_word rf_opt rf_i rf_skip=0 expl
    local -a rf_found rf_subs rf_flags
    for (( rf_i = 2; rf_i < CURRENT; rf_i++ )); do
        rf_word=$words[rf_i]
        if (( rf_skip )); then rf_skip=0; continue; fi
        case $rf_word in
            ({takes_value}) rf_skip=1 ;;
            (-*) ;;
            (*) case "${{rf_cmd:+$rf_cmd }}$rf_word" in
                    ({keys}) rf_cmd="${{rf_cmd:+$rf_cmd }}$rf_word" ;;
                esac ;;
        esac
    done
    rf_opt=$words[CURRENT-1]
    if [[ $PREFIX == --*=* ]]; then
        rf_opt=${{PREFIX%%=*}}
        compset -P '*='
    fi
    case $rf_opt in
        (--profile)
            rf_found=(${{(f)"$({PROFILE_NAMES})"}})
            _wanted profiles expl 'profile' compadd -a rf_found
            return ;;
        ({files}) _files; return ;;
{values}
    esac
    case $rf_cmd in
{cases}
    esac
    if [[ $PREFIX != -* ]] && (( $#rf_subs )); then
        _describe -t commands 'rf-tui command' rf_subs
    else
        _describe -t options 'option' rf_flags
    fi
}}
(( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit }}
compdef _rf_tui rf-tui
"""


def _fish(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def fish(parser: argparse.ArgumentParser) -> str:
    nodes = tree(parser)
    valued = _valued(nodes)
    keys = " ".join(_fish(k) for k in nodes if k)
    lines = [
        "# rf-tui completion for fish. Load it with:  rf-tui completion fish | source",
        "function __rf_tui_at --description 'whether the words so far name this rf-tui command'",
        "    set -l rf_words (commandline -opc)",
        "    set -e rf_words[1]",
        "    set -l rf_cmd ''",
        "    set -l rf_skip 0",
        "    for rf_word in $rf_words",
        "        if test $rf_skip = 1",
        "            set rf_skip 0",
        "            continue",
        "        end",
        "        switch $rf_word",
        f"            case {' '.join(sorted(valued))}",
        "                set rf_skip 1",
        "            case '-*'",
        "            case '*'",
        "                set -l rf_key $rf_word",
        '                test -n "$rf_cmd"; and set rf_key "$rf_cmd $rf_word"',
        f"                contains -- $rf_key {keys}; and set rf_cmd $rf_key",
        "        end",
        "    end",
        '    test "$rf_cmd" = "$argv[1]"',
        "end",
        "complete -c rf-tui -f",
    ]
    for key, node in nodes.items():
        at = f"-n {_fish(f'__rf_tui_at {_fish(key)}')}"
        for word, text in node.words.items():
            lines.append(f"complete -c rf-tui {at} -a {_fish(word)} -d {_fish(text)}")
        for flag, text in sorted(node.flags.items()):
            kind = node.valued.get(flag)
            how = (
                ""
                if kind is None
                else f"-x -a {_fish(' '.join(node.choices[flag]))}"
                if flag in node.choices
                else f"-x -a {_fish(f'({PROFILE_NAMES})')}"
                if kind == "profile"
                else "-r -F"
                if kind == "file"
                else "-x"
            )
            lines.append(f"complete -c rf-tui {at} -l {flag[2:]} {how} -d {_fish(text)}")
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](parser)
