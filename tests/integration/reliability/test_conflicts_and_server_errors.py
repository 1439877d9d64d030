# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ResourceConflictException (the function is being updated) and ServiceException (Lambda's 500).

A burst of three is retried and survived by every call the module makes; a fault that never clears
ends the run with a clear failure after a bounded number of attempts, and changes nothing.
botocore's own retries are turned off (MODULE_RETRIES_ONLY) so that the call log counts the module's
attempts exactly, and so that a fault that never clears ends after the module's 10 attempts instead
of 10 times botocore's 5 (botocore retries 5xx and throttling, not 409).
"""

import pytest
from reliability_support import EVENT_INVOKE_CONFIG_OPERATIONS
from reliability_support import MODULE_RETRIES_ONLY

BURSTS = [
    pytest.param("ResourceConflictException", 409, id="conflict-409"),
    pytest.param("ServiceException", 500, id="service-500"),
]
BURST_LENGTH = 3
# AWSRetry.jittered_backoff(retries=10) in module_utils/lambda_api.py: 10 attempts in all.
ATTEMPTS = 10


def statuses(calls, operation):
    return [call["status"] for call in calls if call["operation"] == operation]


@pytest.mark.parametrize(("error_code", "status"), BURSTS)
def test_bursts_are_retried_on_every_call(aws, clean_emulator, run_playbook, error_code, status):
    (name,) = aws.functions(1)
    # Settings someone else made, which the tasks do not mention.
    aws.put_config(name, "1", retries=2, event_age=3600, on_failure=aws.failure_queue)
    aws.put_config(name, "live", retries=1)
    items = [
        # Get (burst), then Put (burst): a create.
        {
            "function_name": name,
            "qualifier": "$LATEST",
            "maximum_retry_attempts": 1,
            "maximum_event_age_in_seconds": 120,
            "destination_config": {"on_failure": {"destination": aws.topic}},
        },
        # Get, then Update (burst) of the one setting the task manages.
        {"function_name": name, "qualifier": "1", "maximum_retry_attempts": 0},
        # Get, then Delete (burst).
        {"function_name": name, "qualifier": "live", "state": "absent"},
    ]
    clean_emulator.clear_calls()
    for operation in EVENT_INVOKE_CONFIG_OPERATIONS:
        clean_emulator.add_fault(operation=operation, error_code=error_code, status=status, times=BURST_LENGTH)

    run = run_playbook("apply_configs.yml", {"eic_configs": items}, env=MODULE_RETRIES_ONLY)

    calls = clean_emulator.calls()
    assert run.returncode == 0, run.output[-5000:]
    created, updated, deleted = run.results("Apply each config")
    assert [created["changed"], updated["changed"], deleted["changed"]] == [True, True, True]
    # The result reports the config as AWS holds it after the retried write.
    assert updated["event_invoke_config"]["maximum_retry_attempts"] == 0
    assert updated["event_invoke_config"]["maximum_event_age_in_seconds"] == 3600
    assert updated["event_invoke_config"]["destination_config"] == {
        "on_success": None,
        "on_failure": {"destination": aws.failure_queue},
    }
    burst = [status] * BURST_LENGTH
    assert statuses(calls, "GetFunctionEventInvokeConfig") == [*burst, 404, 200, 200]
    assert statuses(calls, "PutFunctionEventInvokeConfig") == [*burst, 200]
    assert statuses(calls, "UpdateFunctionEventInvokeConfig") == [*burst, 200]
    assert statuses(calls, "DeleteFunctionEventInvokeConfig") == [*burst, 204]
    assert aws.config(name, "$LATEST") == {
        "retries": 1,
        "event_age": 120,
        "on_success": None,
        "on_failure": aws.topic,
    }
    # Nothing lost: the event age and destination the task did not mention are still there.
    assert aws.config(name, "1") == {
        "retries": 0,
        "event_age": 3600,
        "on_success": None,
        "on_failure": aws.failure_queue,
    }
    assert aws.config(name, "live") is None


def test_conflict_that_never_clears_fails_clearly_and_changes_nothing(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "live", retries=2, event_age=3600, on_success=aws.success_queue)
    before = aws.config(name, "live")
    clean_emulator.clear_calls()
    clean_emulator.add_fault(
        operation="UpdateFunctionEventInvokeConfig", error_code="ResourceConflictException", status=409
    )

    # The subprocess timeout of run_playbook is the hang guard: the run must end on its own.
    run = run_playbook(
        "apply_configs.yml",
        {"eic_configs": [{"function_name": name, "qualifier": "live", "maximum_retry_attempts": 0}]},
        env=MODULE_RETRIES_ONLY,
    )

    calls = clean_emulator.calls()
    clean_emulator.clear_faults()
    assert run.returncode != 0
    (result,) = run.results("Apply each config")
    assert result["failed"] is True
    assert f"function {name} (qualifier live)" in result["msg"]
    assert "ResourceConflictException" in result["msg"]
    assert f"all {ATTEMPTS} attempts" in result["msg"]
    assert "being updated" in result["msg"]
    assert statuses(calls, "UpdateFunctionEventInvokeConfig") == [409] * ATTEMPTS
    assert statuses(calls, "PutFunctionEventInvokeConfig") == []
    assert aws.config(name, "live") == before
