# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Someone else changes the config while the module runs (between its read and its write).

A second process cannot be timed into the gap between two calls of one module run without a sleep,
so the races are made with the emulator's faults, each chosen so that the emulator ends in the same
state the real race would leave:

* deleted between Get and Update: the config exists for the Get, and the Update answers the 404 AWS
  gives an Update on a deleted config. The module then re-creates the config with a Put of what the
  task asks for; Put replaces the whole config, so the stored config ends exactly as it would after a
  real deletion followed by that Put (the deleted settings gone, the task's settings set).
* created between Get and Put: the config exists, and the Get answers the 404 "doesn't have an
  EventInvokeConfig" it would have answered just before the other writer created it. The module Puts.
* changed concurrently: the module sends only the settings the task manages, so whatever else the
  config holds is kept. To change the config truly between the module's Get and its Update, the Update
  is made to meet two destination rejections: the module then waits a fixed 1 and 2 seconds
  (destination_retry_timeout's back-off, no jitter) before its next attempts. The test waits for the
  first rejection to appear in the call log (an event, not a guessed delay), changes the event age with
  boto3 (3 seconds before the module's successful attempt), and the module's final Update must not
  undo that change.
"""

import time

from reliability_support import ACCOUNT
from reliability_support import REGION

TASK = "Apply each config"


def operations(calls):
    """The Lambda calls of the log, with their statuses (a rejected destination is also read, with SQS)."""
    return [(call["operation"], call["status"]) for call in calls if call["service"] == "lambda"]


def missing_config_message(name, qualifier):
    return (
        f"The function arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}:{qualifier} doesn't have an EventInvokeConfig"
    )


def test_config_deleted_between_get_and_update_is_recreated(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "live", retries=2, event_age=3600, on_failure=aws.failure_queue)
    clean_emulator.clear_calls()
    clean_emulator.add_fault(
        operation="UpdateFunctionEventInvokeConfig",
        error_code="ResourceNotFoundException",
        status=404,
        message=missing_config_message(name, "live"),
        times=1,
    )

    run = run_playbook(
        "apply_configs.yml",
        {"eic_configs": [{"function_name": name, "qualifier": "live", "maximum_retry_attempts": 0}]},
    )

    assert run.returncode == 0, run.output[-5000:]
    (result,) = run.results(TASK)
    assert result["changed"] is True
    assert operations(clean_emulator.calls()) == [
        ("GetFunctionEventInvokeConfig", 200),
        ("UpdateFunctionEventInvokeConfig", 404),
        ("PutFunctionEventInvokeConfig", 200),
    ]
    # The other writer deleted the event age and destination; the task's retries are all that is set.
    expected = {"retries": 0, "event_age": None, "on_success": None, "on_failure": None}
    assert aws.config(name, "live") == expected
    assert result["event_invoke_config"]["maximum_retry_attempts"] == 0
    assert result["event_invoke_config"]["maximum_event_age_in_seconds"] is None


def test_config_created_between_get_and_put_converges(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "2", retries=2, event_age=3600)
    clean_emulator.clear_calls()
    clean_emulator.add_fault(
        operation="GetFunctionEventInvokeConfig",
        error_code="ResourceNotFoundException",
        status=404,
        message=missing_config_message(name, "2"),
        times=1,
    )
    task = {"function_name": name, "qualifier": "2", "maximum_retry_attempts": 1}

    # The same task twice: the first run races, the second must find nothing left to do.
    run = run_playbook("apply_configs.yml", {"eic_configs": [task, task]})

    assert run.returncode == 0, run.output[-5000:]
    first, second = run.results(TASK)
    assert first["changed"] is True
    assert second["changed"] is False
    assert operations(clean_emulator.calls()) == [
        ("GetFunctionEventInvokeConfig", 404),
        ("PutFunctionEventInvokeConfig", 200),
        ("GetFunctionEventInvokeConfig", 200),
    ]
    # Lambda has no create-if-absent call: the Put that creates a config replaces one created
    # concurrently, so the other writer's event age is not kept (a known limit, not a module choice).
    assert aws.config(name, "2") == {"retries": 1, "event_age": None, "on_success": None, "on_failure": None}


def test_settings_the_task_does_not_manage_are_never_overwritten(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    # Another tool manages the event age and the destinations of this config.
    aws.put_config(name, "1", retries=2, event_age=7200, on_success=aws.success_queue, on_failure=aws.topic)
    clean_emulator.clear_calls()

    run = run_playbook(
        "apply_configs.yml", {"eic_configs": [{"function_name": name, "qualifier": "1", "maximum_retry_attempts": 1}]}
    )

    assert run.returncode == 0, run.output[-5000:]
    assert run.result(TASK)["changed"] is True
    # An Update, never a Put: the emulator merges an Update's fields, as AWS does (the call log has
    # no bodies, so the final state shows that only the retries were sent).
    assert operations(clean_emulator.calls()) == [
        ("GetFunctionEventInvokeConfig", 200),
        ("UpdateFunctionEventInvokeConfig", 200),
    ]
    assert aws.config(name, "1") == {
        "retries": 1,
        "event_age": 7200,
        "on_success": aws.success_queue,
        "on_failure": aws.topic,
    }


def wait_for_call(emulator, operation, process):
    """Block until ``operation`` is in the call log, or the playbook ended without making it."""
    while process.poll() is None:
        if any(call["operation"] == operation for call in emulator.calls()):
            return True
        time.sleep(0.02)  # polling interval of the call log, not a synchronisation delay
    return any(call["operation"] == operation for call in emulator.calls())


def test_setting_changed_between_get_and_update_is_kept(aws, clean_emulator, run_playbook):
    (name,) = aws.functions(1)
    aws.put_config(name, "blue", retries=2, event_age=7200, on_failure=aws.topic)
    clean_emulator.clear_calls()
    clean_emulator.add_fault(
        operation="UpdateFunctionEventInvokeConfig",
        error_code="InvalidParameterValueException",
        status=400,
        message=f"The destination ARN {aws.success_queue} is invalid.",
        times=2,
    )
    task = {
        "function_name": name,
        "qualifier": "blue",
        "maximum_retry_attempts": 1,
        "destination_config": {
            "on_success": {"destination": aws.success_queue},
            "on_failure": {"destination": aws.topic},
        },
    }

    process = run_playbook.start("apply_configs.yml", {"eic_configs": [task]})
    assert wait_for_call(clean_emulator, "UpdateFunctionEventInvokeConfig", process)
    # The other writer replaces the config with a Put (an Update would meet the injected fault).
    aws.put_config(name, "blue", retries=2, event_age=300, on_failure=aws.topic)
    run = run_playbook.finish(process)

    assert run.returncode == 0, run.output[-5000:]
    calls = operations(clean_emulator.calls())
    concurrent_put = calls.index(("PutFunctionEventInvokeConfig", 200))
    assert concurrent_put < len(calls) - 1, "the concurrent change must land before the module's successful Update"
    assert calls[:concurrent_put] + calls[concurrent_put + 1 :] == [
        ("GetFunctionEventInvokeConfig", 200),
        ("UpdateFunctionEventInvokeConfig", 400),
        ("UpdateFunctionEventInvokeConfig", 400),
        ("UpdateFunctionEventInvokeConfig", 200),
    ]
    assert aws.config(name, "blue") == {
        "retries": 1,
        "event_age": 300,
        "on_success": aws.success_queue,
        "on_failure": aws.topic,
    }
