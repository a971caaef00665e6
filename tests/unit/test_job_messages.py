"""Commands travel as Dramatiq messages under a stable actor name and come back equal."""

from __future__ import annotations

import uuid

from adapters.dramatiq import actor_name, command_to_kwargs, kwargs_to_command
from domain.commands import RunPipelineCheck
from entrypoints.jobs import COMMANDS


def test_actor_names_are_the_command_in_snake_case() -> None:
    assert actor_name(RunPipelineCheck) == "run_pipeline_check"


def test_a_command_survives_the_round_trip_through_plain_json_values() -> None:
    command = RunPipelineCheck(check_id=uuid.uuid4())
    kwargs = command_to_kwargs(command)
    assert kwargs == {"check_id": str(command.check_id)}
    assert kwargs_to_command(RunPipelineCheck, kwargs) == command


def test_every_command_has_a_distinct_actor() -> None:
    names = [actor_name(command) for command in COMMANDS]
    assert len(names) == len(set(names))
