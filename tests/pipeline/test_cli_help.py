"""Every command's --help explains itself with an example."""

from typing import Any

import pytest
import typer.main
from typer.testing import CliRunner

from pipeline.cli import app


def _paths(command: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths = [prefix]
    for name, sub in getattr(command, "commands", {}).items():
        paths.extend(_paths(sub, (*prefix, name)))
    return paths


COMMANDS = _paths(typer.main.get_command(app))


def test_the_expected_commands_exist() -> None:
    names = {" ".join(path) for path in COMMANDS}
    assert {"run", "search", "extract", "eval", "crawl", "nlp", "index"} <= names


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "centinela")
def test_help_has_an_example(path: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    text = result.output
    assert "centinela" in text.lower()
    leaf = path[-1] if path else ""
    if leaf not in {"admin", "services", "kibana", "alerts"}:  # groups list their commands instead
        assert "example" in text.lower() or "start with" in text.lower(), text
