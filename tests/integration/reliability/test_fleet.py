# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fleet mode (``configs``): one task for many configs survives throttling, conflicts and a missing function.

Each test runs one ansible-playbook with one ``lambda_event_invoke_config`` task whose ``configs`` hold the
whole fleet (apply_fleet.yml, run by the ``run_fleet`` fixture of conftest.py). Pacing is not what these tests
are about, so they lift the rate limit (``max_requests_per_second: 0``); botocore's own retries are turned off
(MODULE_RETRIES_ONLY) so that every retry is the module's, and the call log counts the module's attempts.
Nothing here is timed: the tests check results, call logs and the configs read back with boto3.
"""

from reliability_support import MODULE_RETRIES_ONLY

FLEET_TASK = "Apply the fleet"
# The four qualifiers of every function in these tests (AwsResources.functions: live -> 1, blue -> 2).
FLEET_QUALIFIERS = ("$LATEST", "1", "live", "blue")
NO_RATE_LIMIT = {"max_requests_per_second": 0}
# Every Lambda operation a fleet task can make (GetFunctionConfiguration only in check mode).
LAMBDA_OPERATIONS = (
    "ListFunctionEventInvokeConfigs",
    "GetFunctionEventInvokeConfig",
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
    "GetFunctionConfiguration",
)
# What a real run of a fleet task that names several qualifiers per function calls: a List, then writes.
FLEET_OPERATIONS = (
    "ListFunctionEventInvokeConfigs",
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
)


def settings(retries=None, event_age=None, on_success=None, on_failure=None):
    """A config as reliability_support.normalized() gives it."""
    return {"retries": retries, "event_age": event_age, "on_success": on_success, "on_failure": on_failure}


def item_options(config):
    """The module options of an item that sets every setting of ``config`` (normalized settings)."""
    return {
        "maximum_retry_attempts": config["retries"],
        "maximum_event_age_in_seconds": config["event_age"],
        "destination_config": {
            side: {"destination": config[side]} if config[side] else None for side in ("on_success", "on_failure")
        },
    }


def mixed_fleet(aws, names):
    """Items that create, update, delete and leave alone configs of ``names`` x FLEET_QUALIFIERS.

    Returns (items, configs to write before the run, the config expected after it, whether each item changes).
    Each qualifier of each function gets a kind in turn, so every function makes several writes.
    """
    items, before, expected, changes = [], {}, {}, []
    for function_index, name in enumerate(names):
        for position, qualifier in enumerate(FLEET_QUALIFIERS):
            number = function_index * len(FLEET_QUALIFIERS) + position
            kind = ("create", "update", "delete", "keep")[(function_index + position) % 4]
            item = {"function_name": name, "qualifier": qualifier}
            if kind == "create":
                wanted = settings(
                    number % 3, 60 * (number + 1), aws.success_queue, (aws.topic, aws.bucket, None)[number % 3]
                )
                item.update(item_options(wanted))
            elif kind == "update":
                # Someone else set the event age and a failure destination; the item manages the retries only.
                before[name, qualifier] = settings(2, 3600, on_failure=aws.failure_queue)
                wanted = settings(0, 3600, on_failure=aws.failure_queue)
                item.update(maximum_retry_attempts=0)
            elif kind == "delete":
                before[name, qualifier] = settings(1, 600)
                wanted = None
                item.update(state="absent")
            else:
                before[name, qualifier] = wanted = settings(1, 120, on_success=aws.success_queue)
                item.update(item_options(wanted))
            items.append(item)
            expected[name, qualifier] = wanted
            changes.append(kind != "keep")
    return items, before, expected, changes


def write_configs(aws, configs):
    for (name, qualifier), config in configs.items():
        aws.put_config(name, qualifier, **config)


def read_back(aws, targets):
    return {target: aws.config(*target) for target in targets}


def statuses(calls, operation):
    return [call["status"] for call in calls if call["operation"] == operation]


def test_two_hundred_configs_converge_under_throttling(aws, clean_emulator, run_fleet):
    """50 functions x 4 qualifiers in one task, 30% of every Lambda call throttled: 0 failed items, all right."""
    names = aws.functions(50, prefix="fleet")
    items, before, expected, changes = mixed_fleet(aws, names)
    assert len(items) == 200
    write_configs(aws, before)
    clean_emulator.clear_calls()
    for seed, operation in enumerate(LAMBDA_OPERATIONS, 7):
        clean_emulator.add_fault(
            operation=operation, error_code="TooManyRequestsException", status=429, probability=0.3, seed=seed
        )

    run = run_fleet(items, dict(NO_RATE_LIMIT, workers=10), env=MODULE_RETRIES_ONLY)

    clean_emulator.clear_faults()
    calls = clean_emulator.calls()
    assert run.returncode == 0, run.output[-5000:]
    results = run.result(FLEET_TASK)["configs"]
    assert [result.get("failed", False) for result in results] == [False] * 200
    assert [result["changed"] for result in results] == changes
    assert [(result["function_name"], result["qualifier"]) for result in results] == list(expected)
    assert read_back(aws, expected) == expected
    # Every operation of the run was throttled at least once, and each was retried to success.
    used = {call["operation"] for call in calls}
    assert used == set(FLEET_OPERATIONS)
    assert {call["operation"] for call in calls if call["status"] == 429} == used
    # One List per function, one write per change: the throttled attempts are the only extra calls.
    succeeded = [call for call in calls if call["status"] < 400]
    assert len(succeeded) == len(names) + sum(changes)


def test_conflict_bursts_on_one_function_are_survived(aws, clean_emulator, run_fleet):
    """ResourceConflictException three times on each call of one function's fleet task: every call is retried."""
    (name,) = aws.functions(1)
    aws.put_config(name, "1", retries=2, event_age=3600, on_failure=aws.failure_queue)
    aws.put_config(name, "live", retries=1)
    aws.put_config(name, "blue", retries=0, event_age=60)
    aws.put_config(name, "2", retries=1, event_age=300)  # listed by no item: purged
    items = [
        {
            "function_name": name,
            "qualifier": "$LATEST",
            "maximum_retry_attempts": 1,
            "maximum_event_age_in_seconds": 120,
        },
        {"function_name": name, "qualifier": "1", "maximum_retry_attempts": 0},
        {"function_name": name, "qualifier": "live", "state": "absent"},
        {"function_name": name, "qualifier": "blue", "maximum_retry_attempts": 0, "maximum_event_age_in_seconds": 60},
    ]
    clean_emulator.clear_calls()
    burst = 3
    for operation in FLEET_OPERATIONS:
        clean_emulator.add_fault(operation=operation, error_code="ResourceConflictException", status=409, times=burst)

    run = run_fleet(items, dict(NO_RATE_LIMIT, purge_configs=True), env=MODULE_RETRIES_ONLY)

    clean_emulator.clear_faults()
    calls = clean_emulator.calls()
    assert run.returncode == 0, run.output[-5000:]
    results = run.result(FLEET_TASK)["configs"]
    assert [(result["qualifier"], result["changed"], result.get("purged", False)) for result in results] == [
        ("$LATEST", True, False),
        ("1", True, False),
        ("live", True, False),
        ("blue", False, False),
        ("2", True, True),
    ]
    # The function's writes are serial, so each operation's attempts are in a known order.
    assert statuses(calls, "ListFunctionEventInvokeConfigs") == [409] * burst + [200]
    assert statuses(calls, "PutFunctionEventInvokeConfig") == [409] * burst + [200]
    assert statuses(calls, "UpdateFunctionEventInvokeConfig") == [409] * burst + [200]
    assert statuses(calls, "DeleteFunctionEventInvokeConfig") == [409] * burst + [204, 204]
    assert statuses(calls, "GetFunctionEventInvokeConfig") == []
    assert read_back(aws, [(name, qualifier) for qualifier in ("$LATEST", "1", "2", "live", "blue")]) == {
        (name, "$LATEST"): settings(1, 120),
        (name, "1"): settings(0, 3600, on_failure=aws.failure_queue),
        (name, "2"): None,
        (name, "live"): None,
        (name, "blue"): settings(0, 60),
    }


def test_missing_function_fails_its_items_only(aws, clean_emulator, run_fleet):
    """A function that does not exist, in the middle of the list: its items fail, every other item converges."""
    names = aws.functions(4, prefix="fleet")
    missing = "fleet-missing"
    items, before, expected, changes = mixed_fleet(aws, names)
    write_configs(aws, before)
    middle = len(items) // 2
    missing_items = [
        {"function_name": missing, "qualifier": "$LATEST", "maximum_retry_attempts": 1},
        {"function_name": missing, "qualifier": "live", "maximum_event_age_in_seconds": 600},
        # Absent on a missing function is already absent: not a failure.
        {"function_name": missing, "qualifier": "1", "state": "absent"},
    ]
    items[middle:middle] = missing_items

    run = run_fleet(items, NO_RATE_LIMIT, env=MODULE_RETRIES_ONLY)

    assert run.returncode != 0, run.output[-5000:]
    result = run.result(FLEET_TASK)
    assert result["failed"] is True
    results = result["configs"]
    assert len(results) == len(items)
    failed = [(entry["function_name"], entry["qualifier"]) for entry in results if entry.get("failed")]
    assert failed == [(missing, "$LATEST"), (missing, "live")]
    assert result["msg"].startswith(f"2 of {len(items)} configs failed; the others were applied.")
    # A function-level failure is told once, with the qualifiers it stopped.
    assert result["msg"].count(f"function {missing}") == 1
    assert f"Cannot configure function {missing}: it does not exist" in result["msg"]
    assert "(qualifiers $LATEST, live)]" in result["msg"]
    # Every other item ran and did what it should.
    others = results[:middle] + results[middle + len(missing_items) :]
    assert [entry["changed"] for entry in others] == changes
    assert results[middle + 2]["changed"] is False and not results[middle + 2].get("failed")
    assert read_back(aws, expected) == expected


def test_every_item_failing_is_reported_per_function_in_a_short_msg(clean_emulator, run_fleet):
    """100 missing functions x 3 qualifiers: all failed, each function stated once with its qualifiers, msg
    short (counts and the first few), configs every failure with its own msg."""
    qualifiers = ["$LATEST", "1", "live"]
    items = [
        {"function_name": f"fleet-missing-{index:03}", "qualifier": qualifier, "maximum_retry_attempts": 1}
        for index in range(100)
        for qualifier in qualifiers
    ]

    result = run_fleet(items, NO_RATE_LIMIT).result(FLEET_TASK)

    msg = result["msg"]
    assert result["failed"] is True
    assert msg.startswith("All 300 configs failed") and "the others" not in msg, msg[:3000]
    assert len(msg) < 2000 and "more" in msg, msg[:3000]
    assert msg.count("function fleet-missing-000") == 1 and all(qualifier in msg for qualifier in qualifiers)
    assert all(entry["failed"] and entry["function_name"] in entry["msg"] for entry in result["configs"])
    assert [entry["function_name"] for entry in result["configs"]] == [item["function_name"] for item in items]


def test_one_mistyped_queue_shared_by_many_items_is_read_once_and_fails_at_once(aws, clean_emulator, run_fleet):
    """32 items on 8 functions name one queue that does not exist: AWS rejects it, one read finds it missing, and
    every item that names it fails at its first attempt, instead of waiting out an IAM-propagation window."""
    names = aws.functions(8, prefix="fleet")
    bad_queue = f"{aws.success_queue}-mistyped"
    bad = [(name, q) for name in names for q in ("$LATEST", "1", "2", "live")]
    items = [
        {"function_name": name, "qualifier": q, "destination_config": {"on_success": {"destination": bad_queue}}}
        for name, q in bad
    ] + [
        {"function_name": name, "qualifier": "blue", "destination_config": {"on_success": {"destination": aws.topic}}}
        for name in names
    ]
    clean_emulator.clear_calls()

    run = run_fleet([dict(item, destination_retry_timeout=600) for item in items], NO_RATE_LIMIT)

    results = run.result(FLEET_TASK)["configs"]
    gone = f"The destination {bad_queue} does not exist in this account"
    assert all(entry.get("failed") and gone in entry["msg"] for entry in results[:32])
    assert not any(entry.get("failed") for entry in results[32:])
    writes = [call for call in clean_emulator.calls() if call["operation"] in FLEET_OPERATIONS[1:3]]
    assert sum(call["status"] == 400 for call in writes) == 32  # one attempt each
    assert [call["operation"] for call in clean_emulator.calls()].count("GetQueueUrl") == 1
