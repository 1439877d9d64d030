# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS rejects a destination as invalid until the execution role's new permissions have propagated.

The module retries that rejection for destination_retry_timeout seconds; when it never clears, the
failure names each destination and the permission the execution role needs on it. botocore does not
retry a 400, so these tests run with its default retry settings.
"""


def statuses(calls, operation):
    return [call["status"] for call in calls if call["operation"] == operation]


def rejection(clean_emulator, operation, arn, times=None):
    spec = {
        "operation": operation,
        "error_code": "InvalidParameterValueException",
        "status": 400,
        "message": f"The destination ARN {arn} is invalid.",
    }
    if times is not None:
        spec["times"] = times
    clean_emulator.add_fault(**spec)


def test_rejections_while_permissions_propagate_are_retried(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "1", retries=2, event_age=3600)
    items = [
        {
            "function_name": name,
            "maximum_retry_attempts": 1,
            "destination_config": {
                "on_success": {"destination": aws.success_queue},
                "on_failure": {"destination": aws.topic},
            },
        },
        {
            "function_name": name,
            "qualifier": "1",
            "destination_config": {"on_failure": {"destination": aws.failure_queue}},
        },
    ]
    clean_emulator.clear_calls()
    rejection(clean_emulator, "PutFunctionEventInvokeConfig", aws.success_queue, times=2)
    rejection(clean_emulator, "UpdateFunctionEventInvokeConfig", aws.failure_queue, times=2)

    run = run_playbook("apply_configs.yml", {"eic_configs": items})

    calls = clean_emulator.calls()
    assert run.returncode == 0, run.output[-5000:]
    created, updated = run.results("Apply each config")
    assert [created["changed"], updated["changed"]] == [True, True]
    assert created["event_invoke_config"]["function_arn"] == f"{aws.function_arn(name)}:$LATEST"
    assert created["event_invoke_config"]["destination_config"] == {
        "on_success": {"destination": aws.success_queue},
        "on_failure": {"destination": aws.topic},
    }
    assert statuses(calls, "GetFunctionEventInvokeConfig") == [404, 200]
    assert statuses(calls, "PutFunctionEventInvokeConfig") == [400, 400, 200]
    assert statuses(calls, "UpdateFunctionEventInvokeConfig") == [400, 400, 200]
    assert aws.config(name, "$LATEST") == {
        "retries": 1,
        "event_age": None,
        "on_success": aws.success_queue,
        "on_failure": aws.topic,
    }
    # Nothing lost: the retries and event age the task did not mention are kept.
    assert aws.config(name, "1") == {
        "retries": 2,
        "event_age": 3600,
        "on_success": None,
        "on_failure": aws.failure_queue,
    }


def test_rejection_that_never_clears_names_destinations_and_permissions(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "1", retries=2, event_age=3600)
    items = [
        {
            "function_name": name,
            "maximum_retry_attempts": 1,
            "destination_config": {
                "on_success": {"destination": aws.success_queue},
                "on_failure": {"destination": aws.topic},
            },
            "destination_retry_timeout": 3,
        },
        {
            "function_name": name,
            "qualifier": "1",
            "destination_config": {"on_failure": {"destination": aws.bucket}},
            "destination_retry_timeout": 0,
        },
    ]
    clean_emulator.clear_calls()
    rejection(clean_emulator, "PutFunctionEventInvokeConfig", aws.success_queue)
    rejection(clean_emulator, "UpdateFunctionEventInvokeConfig", aws.bucket)

    run = run_playbook("apply_configs.yml", {"eic_configs": items, "eic_ignore_errors": True})

    calls = clean_emulator.calls()
    clean_emulator.clear_faults()
    created, updated = run.results("Apply each config")
    assert created["failed"] is True
    assert f"function {name} (qualifier $LATEST)" in created["msg"]
    for expected in (aws.success_queue, "sqs:SendMessage", aws.topic, "sns:Publish", "destination_retry_timeout"):
        assert expected in created["msg"]
    assert updated["failed"] is True
    assert f"function {name} (qualifier 1)" in updated["msg"]
    for expected in (aws.bucket, "s3:PutObject", "destination_retry_timeout"):
        assert expected in updated["msg"]
    puts = statuses(calls, "PutFunctionEventInvokeConfig")
    assert len(puts) >= 2, "a 3-second timeout leaves time for at least one retry"
    assert set(puts) == {400}
    # destination_retry_timeout: 0 fails at the first rejection.
    assert statuses(calls, "UpdateFunctionEventInvokeConfig") == [400]
    assert aws.config(name, "$LATEST") is None
    assert aws.config(name, "1") == {"retries": 2, "event_age": 3600, "on_success": None, "on_failure": None}
