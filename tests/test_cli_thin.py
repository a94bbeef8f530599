"""A newcomer finds `okrsheet collect` in okrsheet/workflows/collect.py: each workflow command's
click function calls the workflows module named after it, and (for those moved out of the
command line) reads, rules and writes nothing itself."""

import inspect

import pytest

from okrsheet.cli import main

WORKFLOW_COMMANDS = ("split", "collect", "remind", "fix", "next", "diff", "merge", "export")
THIN = ("fix", "next", "diff", "merge", "export", "split", "collect", "remind")
NOT_IN_A_COMMAND = ("okrsheet.write", "okrsheet.read", "okrsheet.quarterend",
                    "okrsheet.domain.carryover", "okrsheet.domain.changes", "okrsheet.guard",
                    "okrsheet.files", "okrsheet.workflows.kept", "okrsheet.workflows.mail",
                    "okrsheet.sheet", "okrsheet.outputs.checkinmail")


def source_of(name: str) -> str:
    return inspect.getsource(inspect.unwrap(main.commands[name].callback))


@pytest.mark.parametrize("name", WORKFLOW_COMMANDS)
def test_each_workflow_command_calls_the_workflows_module_named_after_it(name):
    assert f"from okrsheet.workflows.{name} import" in source_of(name)


@pytest.mark.parametrize("name", THIN)
def test_a_thin_command_parses_calls_one_workflow_and_prints(name):
    source = source_of(name)
    assert [library for library in NOT_IN_A_COMMAND if library in source] == []
