"""``rf-tui completion bash|zsh|fish``: completion scripts made from the parser itself.

Generated, not hand-kept, so a new flag completes the day it lands.
"""

from __future__ import annotations

import argparse

SHELLS = ("bash", "zsh", "fish")


def _options(parser: argparse.ArgumentParser) -> list[str]:
    return sorted(s for a in parser._actions for s in a.option_strings if s.startswith("--"))


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def _tree(parser: argparse.ArgumentParser) -> dict[str, list[str]]:
    """ "" → what completes after ``rf-tui``; "cmd" or "cmd sub" → what follows those."""
    subs = _subcommands(parser)
    tree = {"": _options(parser) + sorted(subs)}
    for name, sub in subs.items():
        nested = _subcommands(sub)
        tree[name] = _options(sub) + sorted(nested)
        for inner, inner_parser in nested.items():
            tree[f"{name} {inner}"] = _options(inner_parser)
    return tree


def bash(parser: argparse.ArgumentParser) -> str:
    tree = _tree(parser)
    cases = "\n".join(
        f'        "{key}") opts="{" ".join(words)}" ;;' for key, words in tree.items() if key
    )
    names = " ".join(sorted({k.split()[0] for k in tree if k}))
    return f"""# rf-tui completion for bash. Load it with:  source <(rf-tui completion bash)
_rf_tui() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}" prev="${{COMP_WORDS[COMP_CWORD-1]}}"
    local path="" word
    for word in "${{COMP_WORDS[@]:1:COMP_CWORD-1}}"; do
        case "$word" in -*) continue ;; esac
        if [ -z "$path" ]; then
            case " {names} " in *" $word "*) path="$word" ;; esac
        elif [ "$path" = "config" ]; then
            path="config $word"
        fi
    done
    if [ "$prev" = "--profile" ]; then
        COMPREPLY=( $(compgen -W "$(rf-tui config names 2>/dev/null)" -- "$cur") )
        return
    fi
    local opts
    case "$path" in
{cases}
        *) opts="{" ".join(tree[""])}" ;;
    esac
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}}
complete -o default -F _rf_tui rf-tui
"""


def zsh(parser: argparse.ArgumentParser) -> str:
    return (
        "# rf-tui completion for zsh. Load it with:  source <(rf-tui completion zsh)\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash(parser).split("\n", 1)[1]
    )


def fish(parser: argparse.ArgumentParser) -> str:
    tree = _tree(parser)
    top = [w for w in tree[""] if not w.startswith("-")]
    lines = ["# rf-tui completion for fish. Load it with:  rf-tui completion fish | source"]
    lines.append(f'complete -c rf-tui -f -n "__fish_use_subcommand" -a "{" ".join(top)}"')
    for option in (w for w in tree[""] if w.startswith("--")):
        lines.append(f"complete -c rf-tui -l {option[2:]}")
    for key, words in tree.items():
        if not key or " " in key:
            continue
        for word in words:
            if word.startswith("--"):
                lines.append(
                    f'complete -c rf-tui -n "__fish_seen_subcommand_from {key}" -l {word[2:]}'
                )
            else:
                lines.append(
                    f'complete -c rf-tui -f -n "__fish_seen_subcommand_from {key}" -a "{word}"'
                )
    lines.append('complete -c rf-tui -l profile -x -a "(rf-tui config names 2>/dev/null)"')
    return "\n".join(lines) + "\n"


def script(shell: str, parser: argparse.ArgumentParser) -> str:
    return {"bash": bash, "zsh": zsh, "fish": fish}[shell](parser)
