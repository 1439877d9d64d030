# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""iam:SimulatePrincipalPolicy for roles, evaluated from the policies moto stores (CONTRACT.md item 62)."""

from __future__ import annotations

import json

import pytest

from tests.emulator.harness import TRUST_POLICY
from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import error_of

QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:orders"
OTHER_QUEUE = f"arn:aws:sqs:us-east-1:{ACCOUNT}:other"


def document(*statements) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def role(aws, name="sim-role", inline=None, managed=None) -> str:
    arn = aws.iam.create_role(RoleName=name, AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
    for index, policy in enumerate(inline or []):
        aws.iam.put_role_policy(RoleName=name, PolicyName=f"inline-{index}", PolicyDocument=policy)
    for index, policy in enumerate(managed or []):
        policy_arn = aws.iam.create_policy(PolicyName=f"managed-{index}", PolicyDocument=policy)["Policy"]["Arn"]
        aws.iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return arn


def decisions(aws, arn, actions, resources=None) -> list[tuple[str, str, str]]:
    params = {"PolicySourceArn": arn, "ActionNames": actions}
    if resources is not None:
        params["ResourceArns"] = resources
    results = aws.iam.simulate_principal_policy(**params)["EvaluationResults"]
    return [(r["EvalActionName"], r["EvalResourceName"], r["EvalDecision"]) for r in results]


def allow(action, resource="*", **extra):
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action, resource="*"):
    return {"Effect": "Deny", "Action": action, "Resource": resource}


def test_role_without_policies_is_implicitly_denied_for_every_action_and_resource(aws):
    arn = role(aws)
    assert decisions(aws, arn, ["sqs:SendMessage", "sns:Publish"], [QUEUE, OTHER_QUEUE]) == [
        ("sqs:SendMessage", QUEUE, "implicitDeny"),
        ("sqs:SendMessage", OTHER_QUEUE, "implicitDeny"),
        ("sns:Publish", QUEUE, "implicitDeny"),
        ("sns:Publish", OTHER_QUEUE, "implicitDeny"),
    ]


def test_inline_allow_on_one_resource_names_the_matched_policy(aws):
    arn = role(aws, inline=[document(allow("sqs:SendMessage", QUEUE))])
    results = aws.iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["sqs:SendMessage"], ResourceArns=[QUEUE, OTHER_QUEUE]
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["allowed", "implicitDeny"]
    assert results[0]["MatchedStatements"] == [{"SourcePolicyId": "inline-0", "SourcePolicyType": "role"}]
    assert results[1]["MatchedStatements"] == []


@pytest.mark.parametrize(
    ("pattern", "action", "decision"),
    [
        ("sqs:*", "sqs:SendMessage", "allowed"),
        ("SQS:sendmessage", "sqs:SendMessage", "allowed"),
        ("sqs:Send?essage", "sqs:SendMessage", "allowed"),
        ("sqs:Send*Batch", "sqs:SendMessage", "implicitDeny"),
        ("sns:*", "sqs:SendMessage", "implicitDeny"),
        ("*", "events:PutEvents", "allowed"),
    ],
)
def test_action_wildcards_are_case_insensitive(aws, pattern, action, decision):
    arn = role(aws, inline=[document(allow(pattern))])
    assert decisions(aws, arn, [action], [QUEUE]) == [(action, QUEUE, decision)]


@pytest.mark.parametrize(
    ("pattern", "decision"),
    [
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:ord*", "allowed"),
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:order?", "allowed"),
        (f"arn:aws:sqs:us-east-1:{ACCOUNT}:ORDERS", "implicitDeny"),
        (f"arn:aws:sqs:*:{ACCOUNT}:other", "implicitDeny"),
    ],
)
def test_resource_wildcards_are_case_sensitive(aws, pattern, decision):
    arn = role(aws, inline=[document(allow("sqs:SendMessage", pattern))])
    assert decisions(aws, arn, ["sqs:SendMessage"], [QUEUE]) == [("sqs:SendMessage", QUEUE, decision)]


def test_an_explicit_deny_in_a_managed_policy_beats_an_inline_allow(aws):
    arn = role(aws, inline=[document(allow("sqs:*"))], managed=[document(deny("sqs:SendMessage", QUEUE))])
    results = aws.iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["sqs:SendMessage"], ResourceArns=[QUEUE, OTHER_QUEUE]
    )["EvaluationResults"]
    assert [r["EvalDecision"] for r in results] == ["explicitDeny", "allowed"]
    assert results[0]["MatchedStatements"] == [{"SourcePolicyId": "managed-0", "SourcePolicyType": "user-managed"}]


def test_an_attached_managed_allow_counts(aws):
    arn = role(aws, managed=[document(allow(["sns:Publish", "sqs:SendMessage"], [QUEUE]))])
    assert decisions(aws, arn, ["sqs:SendMessage"], [QUEUE]) == [("sqs:SendMessage", QUEUE, "allowed")]


def test_not_action_and_not_resource(aws):
    statement = {"Effect": "Allow", "NotAction": "sns:*", "NotResource": OTHER_QUEUE}
    arn = role(aws, inline=[document(statement)])
    assert decisions(aws, arn, ["sqs:SendMessage", "sns:Publish"], [QUEUE, OTHER_QUEUE]) == [
        ("sqs:SendMessage", QUEUE, "allowed"),
        ("sqs:SendMessage", OTHER_QUEUE, "implicitDeny"),
        ("sns:Publish", QUEUE, "implicitDeny"),
        ("sns:Publish", OTHER_QUEUE, "implicitDeny"),
    ]


def test_inferred_a_conditioned_allow_needs_context_values_the_simulation_lacks(aws):
    condition = {"StringEquals": {"aws:SourceAccount": ACCOUNT}, "ArnLike": {"aws:SourceArn": "arn:*"}}
    arn = role(aws, inline=[document(allow("sqs:SendMessage", QUEUE, Condition=condition))])
    (result,) = aws.iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["sqs:SendMessage"], ResourceArns=[QUEUE]
    )["EvaluationResults"]
    assert (result["EvalDecision"], result["MissingContextValues"]) == (
        "implicitDeny",
        ["aws:SourceAccount", "aws:SourceArn"],
    )


def test_a_permissions_boundary_bounds_an_allow(aws):
    """Item 62: an identity allow outside the role's permissions boundary is an implicit deny."""
    boundary = aws.iam.create_policy(PolicyName="boundary", PolicyDocument=document(allow("sns:*")))["Policy"]["Arn"]
    arn = aws.iam.create_role(RoleName="bounded", AssumeRolePolicyDocument=TRUST_POLICY, PermissionsBoundary=boundary)[
        "Role"
    ]["Arn"]
    aws.iam.put_role_policy(RoleName="bounded", PolicyName="all", PolicyDocument=document(allow(["sqs:*", "sns:*"])))
    assert decisions(aws, arn, ["sqs:SendMessage", "sns:Publish"], [QUEUE]) == [
        ("sqs:SendMessage", QUEUE, "implicitDeny"),
        ("sns:Publish", QUEUE, "allowed"),
    ]


def test_without_resource_arns_the_resource_is_star(aws):
    arn = role(aws, inline=[document(allow("sqs:SendMessage"))])
    assert decisions(aws, arn, ["sqs:SendMessage"]) == [("sqs:SendMessage", "*", "allowed")]


def test_unknown_role_is_no_such_entity(aws):
    error = error_of(
        aws.iam.simulate_principal_policy,
        PolicySourceArn=f"arn:aws:iam::{ACCOUNT}:role/missing",
        ActionNames=["sqs:SendMessage"],
    )
    assert (error["Code"], error["Status"]) == ("NoSuchEntity", 404)
    assert "missing" in error["Message"]


def test_the_call_is_logged_under_its_botocore_name(aws):
    arn = role(aws)
    aws.emulator.clear_calls()
    decisions(aws, arn, ["sqs:SendMessage"])
    assert aws.emulator.calls() == [{"service": "iam", "operation": "SimulatePrincipalPolicy", "status": 200}]
