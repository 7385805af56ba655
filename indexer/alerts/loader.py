"""Load alert rules from a folder of YAML files, one broken file never hiding the others.

A file holds one rule (a mapping) or several (a list of mappings). Every problem becomes a
``RuleError`` naming the file, the line (from the YAML node marks) and the field path, e.g.
``rules/reynosa.yaml:7: condition.max_price_usd: Input should be a valid number``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from indexer.alerts.errors import RuleError
from indexer.alerts.rules import Rule

RULE_SUFFIXES = (".yaml", ".yml")


@dataclass
class RuleSet:
    """The rules that loaded and the errors of those that did not."""

    rules: list[Rule] = field(default_factory=list)
    errors: list[RuleError] = field(default_factory=list)

    @property
    def not_evaluable_embedded(self) -> list[str]:
        """Names of the rules with a ``raw_query``, which only Elasticsearch can evaluate."""
        return [rule.name for rule in self.rules if not rule.evaluable_embedded]


def load_rules(folder: Path) -> RuleSet:
    """Load every ``*.yaml``/``*.yml`` rule under ``folder``, sorted by file name."""
    result = RuleSet()
    if not folder.is_dir():
        result.errors.append(RuleError(folder, None, None, "rules folder does not exist"))
        return result
    seen: dict[str, Path] = {}
    files = sorted(p for p in folder.iterdir() if p.suffix in RULE_SUFFIXES and p.is_file())
    for path in files:
        rules, errors = load_rule_file(path)
        result.errors.extend(errors)
        for rule, line in rules:
            if rule.name in seen:
                first = seen[rule.name]
                result.errors.append(
                    RuleError(path, line, "name", f"duplicate rule name, first in {first}")
                )
                continue
            seen[rule.name] = path
            result.rules.append(rule)
    return result


def load_rule_file(path: Path) -> tuple[list[tuple[Rule, int]], list[RuleError]]:
    """Parse one file; return its valid rules (with their line) and the errors of the others."""
    try:
        text = path.read_text(encoding="utf-8")
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except (OSError, UnicodeDecodeError) as error:
        return [], [RuleError(path, None, None, f"cannot read: {error}")]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        return [], [RuleError(path, line, None, f"invalid YAML: {error.problem}")]
    except yaml.YAMLError as error:
        return [], [RuleError(path, None, None, f"invalid YAML: {error}")]
    if node is None:
        return [], [RuleError(path, 1, None, "empty file: expected a rule mapping")]
    if isinstance(data, list) and isinstance(node, yaml.SequenceNode):
        items = list(zip(data, node.value, strict=True))
    else:
        items = [(data, node)]
    rules: list[tuple[Rule, int]] = []
    errors: list[RuleError] = []
    for item, item_node in items:
        line = item_node.start_mark.line + 1
        if not isinstance(item, dict):
            errors.append(RuleError(path, line, None, "a rule must be a mapping of fields"))
            continue
        try:
            rules.append((Rule.model_validate(item), line))
        except ValidationError as error:
            errors.extend(_rule_errors(path, item_node, error))
    return rules, errors


def _rule_errors(path: Path, node: yaml.Node, error: ValidationError) -> list[RuleError]:
    found = []
    for detail in error.errors():
        loc = tuple(part for part in detail["loc"] if isinstance(part, str | int))
        dotted = ".".join(str(part) for part in loc) or None
        found.append(RuleError(path, _line_of(node, loc), dotted, detail["msg"]))
    return found


def _line_of(node: yaml.Node, loc: Sequence[str | int]) -> int:
    """Return the 1-based line of the field at ``loc``: its key, or the nearest parent found."""
    line = node.start_mark.line + 1
    for part in loc:
        child = _child(node, part)
        if child is None:
            return line
        key_node, node = child
        line = (key_node or node).start_mark.line + 1
    return line


def _child(node: yaml.Node, part: str | int) -> tuple[yaml.Node | None, yaml.Node] | None:
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == str(part):
                return key, value
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
        return None, node.value[part]
    return None

