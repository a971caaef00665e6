"""Read the compose files as Docker Compose would: `!reset` / `!override` tags, overrides merged, `${VAR}` filled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
REPLACED_LISTS = frozenset({"command", "entrypoint", "test", "profiles"})  # compose replaces these, never merges
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


@dataclass(frozen=True)
class Reset:
    """`!reset`: the key goes back to nothing."""


@dataclass(frozen=True)
class Override:
    """`!override value`: the value replaces the base's instead of merging with it."""

    value: Any


class ComposeLoader(yaml.SafeLoader):
    """PyYAML's safe loader plus Compose's two merge tags."""


ComposeLoader.add_constructor("!reset", lambda loader, node: Reset())
ComposeLoader.add_constructor(
    "!override",
    lambda loader, node: Override(
        loader.construct_sequence(node, deep=True)
        if isinstance(node, yaml.SequenceNode)
        else loader.construct_mapping(node, deep=True)
        if isinstance(node, yaml.MappingNode)
        else loader.construct_scalar(node)
    ),
)


def load(name: str) -> dict[str, Any]:
    return yaml.load((DEPLOY / name).read_text(), Loader=ComposeLoader)  # noqa: S506 - a SafeLoader subclass


def merge(base: Any, override: Any, key: str = "") -> Any:
    """Compose's merge rules for the parts our files use."""
    if isinstance(override, Reset):
        return None
    if isinstance(override, Override):
        return override.value
    if isinstance(base, dict) and isinstance(override, dict):
        merged = dict(base)
        for name, value in override.items():
            merged[name] = merge(base.get(name), value, name) if name in base else _plain(value)
        return {name: value for name, value in merged.items() if value is not None}
    if isinstance(base, list) and isinstance(override, list) and key not in REPLACED_LISTS:
        if key == "volumes":  # by path in the container: the override's mount wins
            targets = {_target(v) for v in override}
            return [v for v in base if _target(v) not in targets] + override
        return base + [v for v in override if v not in base]
    return _plain(override)


def _plain(value: Any) -> Any:
    if isinstance(value, Override):
        return value.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if not isinstance(v, Reset)}
    return value


def _target(volume: str) -> str:
    return volume.split(":")[1]


def read_env_file(name: str) -> dict[str, str]:
    lines = (DEPLOY / name).read_text().splitlines()
    return dict(line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))


def interpolate(value: str, variables: dict[str, str]) -> str:
    """`${VAR}`, `${VAR:-default}` and `${VAR:?error}` as Compose fills them; an unset `${VAR}` is an error."""

    def fill(match: re.Match[str]) -> str:
        name, operator, argument = match.group(1), match.group(2), match.group(3)
        if variables.get(name):
            return variables[name]
        if operator in {":-", "-"}:
            return argument
        raise KeyError(f"${{{name}}} is not set" + (f": {argument}" if argument else ""))

    return VARIABLE.sub(fill, value)


def stack(*files: str) -> dict[str, Any]:
    """The merged project of `files` (first is the base)."""
    project = load(files[0])
    for name in files[1:]:
        project = merge(project, load(name))
    return project
