# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Destinations that work: check mode predicts the destinations AWS refuses, and validate_destinations holds
the writes of a real run back.

One fleet task (apply_fleet.yml) with three configs: one whose queue does not exist, one whose function's
execution role may not publish to its topic, and one that is fine. The emulator's Put refuses the first two
as AWS does (tests/emulator/CONTRACT.md items 62-63), so a real run without the preflight shows what the
prediction foretold.
"""

import json

import pytest

FLEET_TASK = "Apply the fleet"
WRITES = ("PutFunctionEventInvokeConfig", "UpdateFunctionEventInvokeConfig", "DeleteFunctionEventInvokeConfig")
NO_DELIVERY_ROLE = "no-delivery-role"


@pytest.fixture
def fleet(aws, clean_emulator):
    """(items, missing queue ARN, restricted role ARN): the three configs of this module's scenarios."""
    (allowed,) = aws.functions(1, prefix="preflight")
    iam = clean_emulator.client("iam")
    trust = {
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}]
    }
    role = iam.create_role(RoleName=NO_DELIVERY_ROLE, AssumeRolePolicyDocument=json.dumps(trust))["Role"]["Arn"]
    clean_emulator.create_function("preflight-restricted", role=role)
    missing_queue = aws.success_queue.replace("reliability-success", "no-such-queue")
    items = [
        {
            "function_name": allowed,
            "destination_retry_timeout": 0,
            "destination_config": {"on_success": {"destination": missing_queue}},
        },
        {
            "function_name": "preflight-restricted",
            "destination_retry_timeout": 0,
            "destination_config": {"on_failure": {"destination": aws.topic}},
        },
        {"function_name": allowed, "qualifier": "1", "destination_config": {"on_failure": {"destination": aws.topic}}},
    ]
    clean_emulator.clear_calls()
    return items, missing_queue, role


def operations(emulator, names):
    return [call["operation"] for call in emulator.calls() if call["operation"] in names]


def test_check_mode_predicts_what_the_real_run_then_meets(aws, clean_emulator, fleet, run_fleet):
    items, missing_queue, role = fleet

    check = run_fleet(items, args=("--check",))

    results = check.result(FLEET_TASK)["configs"]
    assert [result.get("failed", False) for result in results] == [True, True, False]
    assert f"the destination {missing_queue} cannot receive records" in results[0]["msg"]
    assert f"the execution role {role} is not allowed sns:Publish on {aws.topic}" in results[1]["msg"]
    assert all("Check mode predicts this" in result["msg"] for result in results[:2])
    assert results[2]["changed"] is True
    assert operations(clean_emulator, WRITES) == []
    # One simulation per (role, destination) that exists: the missing queue needs none.
    assert operations(clean_emulator, ("SimulatePrincipalPolicy",)) == ["SimulatePrincipalPolicy"] * 2

    clean_emulator.clear_calls()
    real = run_fleet(items)

    results = real.result(FLEET_TASK)["configs"]
    assert [result.get("failed", False) for result in results] == [True, True, False]
    assert "The function's execution role does not have permissions to call Publish" in results[1]["msg"]
    assert aws.config("preflight-00", "1")["on_failure"] == aws.topic
    assert operations(clean_emulator, ("SimulatePrincipalPolicy",)) == []  # no preflight in a real run by default


def test_validate_destinations_holds_back_the_writes_it_predicts_refused(aws, clean_emulator, fleet, run_fleet):
    items, _missing_queue, _role = fleet

    run = run_fleet(items, {"validate_destinations": True})

    results = run.result(FLEET_TASK)["configs"]
    assert [result.get("failed", False) for result in results] == [True, True, False]
    assert all(result["msg"].startswith("AWS would refuse the config") for result in results[:2])
    assert operations(clean_emulator, WRITES) == ["PutFunctionEventInvokeConfig"]  # the fine config only
    assert aws.config("preflight-00", "$LATEST") is None
    assert aws.config("preflight-restricted", "$LATEST") is None
