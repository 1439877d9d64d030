# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Under sustained throttling (30% of every Lambda call the module makes), a 50-config playbook converges.

The 50 configs are 50 hosts of a generated inventory, run with 5 forks, so that the retry back-off
sleeps overlap instead of adding up. Each fault draws from its own seeded random sequence, one draw per
matching call, so how many calls are throttled does not depend on the order the forks make them in.
botocore's own retries are turned off (MODULE_RETRIES_ONLY): with them on, botocore would absorb most
throttles before the module's retry policy, which is what this test is about, ever saw one.
"""

from reliability_support import MODULE_RETRIES_ONLY
from reliability_support import QUALIFIERS

from tests.emulator.harness import max_calls_in_window

FAULTED_OPERATIONS = (
    "GetFunctionEventInvokeConfig",
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
    "GetFunctionConfiguration",
)
# Per ten targets: what the task does. check = a check-mode create (it also reads the function).
KINDS = ("create", "update", "delete", "check", "create", "update", "delete", "check", "create", "update")


def plan(aws, names):
    """The 50 items of the playbook, the configs that exist before it, and the state expected after it."""
    items, before, expected = [], {}, {}
    targets = [(name, qualifier) for name in names for qualifier in QUALIFIERS]
    for index, (name, qualifier) in enumerate(targets):
        kind = KINDS[index % len(KINDS)]
        item = {"function_name": name, "qualifier": qualifier}
        if kind == "create":
            on_failure = (aws.topic, aws.bucket, None)[index % 3]
            item.update(
                maximum_retry_attempts=index % 3,
                maximum_event_age_in_seconds=60 * (index + 1),
                destination_config={
                    "on_success": {"destination": aws.success_queue},
                    "on_failure": {"destination": on_failure} if on_failure else None,
                },
            )
            expected[name, qualifier] = {
                "retries": index % 3,
                "event_age": 60 * (index + 1),
                "on_success": aws.success_queue,
                "on_failure": on_failure,
            }
        elif kind == "update":
            # Someone else set the event age and a failure destination; the task manages retries only.
            before[name, qualifier] = {"retries": 2, "event_age": 3600, "on_failure": aws.failure_queue}
            item.update(maximum_retry_attempts=0)
            expected[name, qualifier] = {
                "retries": 0,
                "event_age": 3600,
                "on_success": None,
                "on_failure": aws.failure_queue,
            }
        elif kind == "delete":
            before[name, qualifier] = {"retries": 1, "event_age": 600}
            item.update(state="absent")
            expected[name, qualifier] = None
        else:
            item.update(maximum_retry_attempts=1, check_mode=True)
            expected[name, qualifier] = None
        items.append(item)
    return items, before, expected


def test_fifty_configs_converge_under_throttling(aws, clean_emulator, run_playbook, host_inventory):
    names = aws.functions(10)
    items, before, expected = plan(aws, names)
    for (name, qualifier), settings in before.items():
        aws.put_config(name, qualifier, **settings)
    clean_emulator.clear_calls()
    for operation in FAULTED_OPERATIONS:
        clean_emulator.add_fault(
            operation=operation, error_code="TooManyRequestsException", status=429, probability=0.3, seed=7
        )

    hosts = {f"config-{index:02d}": {"eic_configs": [item]} for index, item in enumerate(items)}

    run = run_playbook(
        "apply_configs.yml", env=MODULE_RETRIES_ONLY, inventory=host_inventory(hosts), args=["--forks", "5"]
    )

    clean_emulator.clear_faults()
    calls = clean_emulator.calls()
    assert run.returncode == 0, run.output[-5000:]
    results = [run.result("Apply each config", host) for host in hosts]
    assert [result.get("failed", False) for result in results] == [False] * 50
    assert all(result["changed"] for result in results)
    actual = {target: aws.config(*target) for target in expected}
    assert actual == expected
    throttled = {call["operation"] for call in calls if call["status"] == 429}
    assert throttled == set(FAULTED_OPERATIONS), "every faulted operation must have been throttled at least once"


def test_region_audit_is_paced_and_refuses_boolean_pacing(aws, clean_emulator, run_playbook):
    """The info module's region audit keeps to 10 requests a second by default (issue 14), and, like the
    main module, refuses a boolean for max_requests_per_second or workers before any call."""
    aws.functions(30, prefix="audit")
    clean_emulator.set_latency(0.04, service="lambda")
    booleans = [{"max_requests_per_second": False}, {"workers": True}]
    clean_emulator.clear_calls()

    run = run_playbook("audit_region.yml", {"eic_info_args": booleans})

    assert clean_emulator.calls() == []
    for args, result in zip(booleans, run.results("Run the info module")):
        ((option, value),) = args.items()
        assert result.get("failed") is True and f"{option}={value} is a boolean" in result["msg"], result
    run = run_playbook("audit_region.yml", {"eic_info_args": [{}]})
    calls = [call for call in clean_emulator.calls(times=True) if call["service"] == "lambda"]
    assert not run.result("Run the info module").get("failed"), run.output[-5000:]
    assert len(calls) > 30
    assert max_calls_in_window(calls) <= 10
