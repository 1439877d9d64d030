# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Destinations that work, as a task meets them: check mode warns and still shows every diff, validate_destinations
holds the writes of a real run back, and the grant follows the destinations (a mistyped destination failing at
once: test_fleet).

What each situation is predicted to be is the accuracy matrix's (test_destination_accuracy.py); here, one fleet
task (apply_fleet.yml) with three configs: one whose queue does not exist, one whose function's execution role may
not send to its queue, and one that is fine.
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
        {"function_name": allowed, "destination_config": {"on_success": {"destination": missing_queue}}},
        {
            "function_name": "preflight-restricted",
            "destination_config": {"on_failure": {"destination": aws.failure_queue}},
        },
        {"function_name": allowed, "qualifier": "1", "destination_config": {"on_failure": {"destination": aws.topic}}},
    ]
    clean_emulator.clear_calls()
    return items, missing_queue, role


def operations(emulator, names):
    return [call["operation"] for call in emulator.calls() if call["operation"] in names]


def test_check_mode_warns_once_per_destination_and_shows_every_diff(aws, clean_emulator, fleet, run_fleet):
    items, missing_queue, role = fleet
    # A second config on the missing queue: one warning names both.
    items = items + [dict(items[0], qualifier="live")]

    check = run_fleet(items, args=("--check",))

    result = check.result(FLEET_TASK)
    assert (check.returncode, result["changed"]) == (0, True), check.output[-3000:]
    assert [config["destination_checks"][0]["prediction"] for config in result["configs"]] == [
        "refused",
        "refused",
        "ok",
        "refused",
    ]
    assert len(result["diff"]) == 4
    assert result["warnings"] == [
        "Predicted (check mode): AWS would refuse the configs of function preflight-00 (qualifier $LATEST), "
        f"function preflight-00 (qualifier live): the destination {missing_queue} does not exist (AWS answered "
        "AWS.SimpleQueueService.NonExistentQueue: it does not exist).",
        "Predicted (check mode): AWS would refuse the config of function preflight-restricted (qualifier $LATEST): "
        f"the execution role {role} is not allowed sqs:SendMessage on {aws.failure_queue} (IAM's policy "
        "simulation, and no resource policy of the destination allows it).",
    ]
    assert operations(clean_emulator, WRITES) == []


def test_validate_destinations_holds_back_the_writes_it_predicts_refused(aws, clean_emulator, fleet, run_fleet):
    items, _missing_queue, _role = fleet

    run = run_fleet(items, {"validate_destinations": True})

    results = run.result(FLEET_TASK)["configs"]
    assert [result.get("failed", False) for result in results] == [True, True, False]
    assert all(result["msg"].startswith("AWS would refuse the config") for result in results[:2])
    assert all("nothing was written because validate_destinations is true" in result["msg"] for result in results[:2])
    assert operations(clean_emulator, WRITES) == ["PutFunctionEventInvokeConfig"]  # the fine config only
    assert aws.config("preflight-00", "$LATEST") is None
    assert aws.config("preflight-restricted", "$LATEST") is None


def policy_resources(iam, role_name, policy_name):
    """The resources of each statement of the role's inline policy, sorted; None when there is no such policy."""
    try:
        document = iam.get_role_policy(RoleName=role_name, PolicyName=policy_name)["PolicyDocument"]
    except iam.exceptions.NoSuchEntityException:
        return None
    return sorted(statement["Resource"] for statement in document["Statement"])


def test_grant_then_apply_succeeds_and_follows_the_destinations(aws, clean_emulator, fleet, run_fleet):
    _items, _missing_queue, role = fleet  # preflight-restricted's role allows nothing
    iam = clean_emulator.client("iam")
    policy = "serverless-aws-lambda-destinations-us-east-1"
    both = {"on_success": {"destination": aws.success_queue}, "on_failure": {"destination": aws.topic}}
    items = [{"function_name": "preflight-restricted", "destination_config": both}]
    grant = {"grant_destination_permissions": True}

    first = run_fleet(items, grant)
    again = run_fleet(items, grant)
    clean_emulator.clear_calls()
    fewer = run_fleet([dict(items[0], destination_config={"on_failure": both["on_failure"]})], grant)

    assert (first.returncode, again.returncode, fewer.returncode) == (0, 0, 0), first.output[-3000:]
    assert [p["changed"] for p in first.result(FLEET_TASK)["role_policies"]] == [True]
    assert (again.result(FLEET_TASK)["changed"], again.result(FLEET_TASK)["role_policies"][0]["changed"]) == (
        False,
        False,
    )
    assert fewer.result(FLEET_TASK)["role_policies"][0]["role_arn"] == role
    assert policy_resources(iam, NO_DELIVERY_ROLE, policy) == [aws.topic]
    assert aws.config("preflight-restricted", "$LATEST")["on_failure"] == aws.topic
    # The queue's statement went only after the config stopped using it.
    assert operations(clean_emulator, ("PutRolePolicy", "PutFunctionEventInvokeConfig")) == [
        "PutFunctionEventInvokeConfig",
        "PutRolePolicy",
    ]

    gone = run_fleet([dict(items[0], state="absent")], grant)

    assert gone.returncode == 0, gone.output[-3000:]
    assert policy_resources(iam, NO_DELIVERY_ROLE, policy) is None


def shared_roles(clean_emulator, names, roles):
    """Functions ``names`` on ``roles`` execution roles that allow nothing, taken in turn; the role ARNs."""
    iam = clean_emulator.client("iam")
    trust = json.dumps(
        {
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ]
        }
    )
    arns = [
        iam.create_role(RoleName=f"shared-{index}", AssumeRolePolicyDocument=trust)["Role"]["Arn"]
        for index in range(roles)
    ]
    for index, name in enumerate(names):
        clean_emulator.create_function(name, role=arns[index % roles])
    return arns


def test_the_grant_fits_functions_that_share_roles_in_one_policy_per_role(aws, clean_emulator, run_fleet):
    """12 functions on 2 roles, 3 destinations: one statement per destination on each role, granted in one task;
    the re-apply writes nothing; a destination one function leaves stays while another function of its role uses it."""
    names = [f"shared-fn-{index:02d}" for index in range(12)]
    shared_roles(clean_emulator, names, 2)
    destinations = [aws.success_queue, aws.failure_queue, aws.topic]
    items = [
        {"function_name": name, "destination_config": {"on_failure": {"destination": destinations[index % 3]}}}
        for index, name in enumerate(names)
    ]
    grant = {"grant_destination_permissions": True}
    iam = clean_emulator.client("iam")
    policy = "serverless-aws-lambda-destinations-us-east-1"

    first = run_fleet(items, grant)
    clean_emulator.clear_calls()
    again = run_fleet(items, grant)

    assert (first.returncode, again.returncode) == (0, 0), first.output[-3000:]
    assert [
        (p["role_arn"].rsplit("/", 1)[1], len(p["functions"])) for p in first.result(FLEET_TASK)["role_policies"]
    ] == [
        ("shared-0", 6),
        ("shared-1", 6),
    ]
    for role in ("shared-0", "shared-1"):
        assert iam.list_role_policies(RoleName=role)["PolicyNames"] == [policy]
        assert policy_resources(iam, role, policy) == sorted(destinations)
    assert operations(clean_emulator, ("PutRolePolicy", "DeleteRolePolicy") + WRITES) == []
    assert again.result(FLEET_TASK)["changed"] is False

    # shared-fn-00 (role shared-0) leaves the success queue; shared-fn-06, also on shared-0, still uses it.
    left = run_fleet([dict(items[0], state="absent")], grant)

    assert left.returncode == 0, left.output[-3000:]
    assert policy_resources(iam, "shared-0", policy) == sorted(destinations)
    assert left.result(FLEET_TASK)["role_policies"][0]["changed"] is False


def test_a_grant_that_cannot_fit_the_role_s_quota_fails_before_writing(aws, clean_emulator, run_fleet):
    """The role's other inline policies leave too little room: IAM refuses the policy, nothing is written, and the
    message gives the numbers and the ways out."""
    names = [f"full-fn-{index:02d}" for index in range(3)]
    (role,) = shared_roles(clean_emulator, names, 1)
    existing = {"Version": "2012-10-17", "Statement": []}
    while len("".join(json.dumps(existing).split())) < 10240 - 100:  # room for less than one queue's statement
        index = len(existing["Statement"])
        existing["Statement"].append(
            {
                "Sid": f"S{index}",
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::b-{index:04d}/*",
            }
        )
    iam = clean_emulator.client("iam")
    iam.put_role_policy(RoleName="shared-0", PolicyName="existing", PolicyDocument=json.dumps(existing))
    items = [
        {"function_name": name, "destination_config": {"on_failure": {"destination": aws.failure_queue}}}
        for name in names
    ]
    clean_emulator.clear_calls()

    run = run_fleet(items, {"grant_destination_permissions": True})

    assert run.returncode != 0
    messages = [config["msg"] for config in run.result(FLEET_TASK)["configs"]]
    assert len({message.split(": ", 1)[1] for message in messages}) == 1  # one failure, told for each config
    assert f"the destinations of 3 function(s) on role {role} (full-fn-00, full-fn-01, full-fn-02)" in messages[0]
    assert "and IAM allows 10240 characters of inline policy per role in all" in messages[0]
    assert "Nothing was written." in messages[0]
    assert operations(clean_emulator, WRITES) == []
    assert iam.list_role_policies(RoleName="shared-0")["PolicyNames"] == ["existing"]
