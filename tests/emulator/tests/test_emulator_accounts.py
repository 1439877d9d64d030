# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Many accounts (CONTRACT.md item 69): credentials from AssumeRole act in the role's account, each account has
its own functions and configs, the call log names the account and region, faults and latency can target one
account, and AssumeRole of a role that does not exist or does not trust the caller is denied."""

from __future__ import annotations

import json

from botocore.exceptions import ClientError

from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import error_of

ACCESS_ROLE = "OrganizationAccountAccessRole"


def member_accounts(aws, count: int) -> list[str]:
    org = aws.emulator.client("organizations")
    org.create_organization(FeatureSet="ALL")
    made = [org.create_account(AccountName=f"member-{n}", Email=f"m{n}@example.com") for n in range(count)]
    return [status["CreateAccountStatus"]["AccountId"] for status in made]


def test_item69_each_account_keeps_its_own_functions_configs_and_calls(aws):
    first, second = member_accounts(aws, 2)
    sessions = {account: f"arn:aws:iam::{account}:role/{ACCESS_ROLE}" for account in (first, second)}
    sts = {account: aws.emulator.client("sts", role=role) for account, role in sessions.items()}
    assert {account: client.get_caller_identity()["Account"] for account, client in sts.items()} == {
        first: first,
        second: second,
    }
    iam = aws.emulator.client("iam", role=sessions[first])
    role = iam.create_role(RoleName="fn-role", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    lam = aws.emulator.client("lambda", region="eu-west-1", role=sessions[first])
    lam.create_function(
        FunctionName="orders", Runtime="python3.12", Handler="index.handler", Role=role, Code={"ZipFile": b"x"}
    )
    aws.emulator.clear_calls()
    lam.put_function_event_invoke_config(FunctionName="orders", MaximumRetryAttempts=1)

    other = aws.emulator.client("lambda", region="eu-west-1", role=sessions[second])
    missing = error_of(other.list_function_event_invoke_configs, FunctionName="orders")
    assert missing["Code"] == "ResourceNotFoundException"
    arn = f"arn:aws:lambda:eu-west-1:{first}:function:orders"
    # Another account's function does not exist for the caller, even named by its full ARN.
    assert error_of(other.get_function_event_invoke_config, FunctionName=arn)["Code"] == "ResourceNotFoundException"
    assert lam.get_function_event_invoke_config(FunctionName="orders")["MaximumRetryAttempts"] == 1

    logged = [(c["operation"], c["account"], c["region"]) for c in aws.emulator.calls(times=True)]
    assert logged[0] == ("PutFunctionEventInvokeConfig", first, "eu-west-1")
    assert ("ListFunctionEventInvokeConfigs", second, "eu-west-1") in logged


def test_item69_faults_and_latency_can_target_one_account(aws):
    first, second = member_accounts(aws, 2)
    clients = {a: aws.emulator.client("sts", role=f"arn:aws:iam::{a}:role/{ACCESS_ROLE}") for a in (first, second)}
    aws.emulator.add_fault(operation="GetCallerIdentity", error_code="Throttling", status=400, account=first)
    aws.emulator.set_latency(0.2, operation="GetCallerIdentity", account=second)
    aws.emulator.clear_calls()
    assert error_of(clients[first].get_caller_identity)["Code"] == "Throttling"
    assert clients[second].get_caller_identity()["Account"] == second
    delays = {call["account"]: call["delay"] for call in aws.emulator.calls(times=True)}
    assert delays == {first: 0.0, second: 0.2}


def test_item69_assume_role_of_a_missing_or_untrusted_role_is_denied(aws):
    (member,) = member_accounts(aws, 1)
    missing = f"arn:aws:iam::{member}:role/NotThere"
    error = error_of(aws.sts.assume_role, RoleArn=missing, RoleSessionName="audit")
    assert (error["Code"], error["Status"]) == ("AccessDenied", 403)
    caller = f"arn:aws:iam::{ACCOUNT}:user/emulator"
    assert error["Message"] == f"User: {caller} is not authorized to perform: sts:AssumeRole on resource: {missing}"
    access = f"arn:aws:iam::{member}:role/{ACCESS_ROLE}"
    granted = aws.sts.assume_role(RoleArn=access, RoleSessionName="audit")
    assert granted["AssumedRoleUser"]["Arn"].startswith(f"arn:aws:sts::{member}:assumed-role/{ACCESS_ROLE}/")

    def trust(principal, effect="Allow", condition=None):
        statement = {"Effect": effect, "Principal": principal, "Action": "sts:AssumeRole"}
        return [dict(statement, Condition=condition)] if condition else [statement]

    external = {"StringEquals": {"sts:ExternalId": "k1"}}
    roles = {  # name: (statements, may the management account's caller assume it, without / with ExternalId k1)
        "lambda-only": (trust({"Service": "lambda.amazonaws.com"}), False, False),
        "by-account": (trust({"AWS": ACCOUNT}), True, True),
        "by-caller": (trust({"AWS": caller}), True, True),
        "external-id": (trust({"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, condition=external), False, True),
        "other-condition": (trust("*", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}), False, False),
        "denied": (trust("*") + trust({"AWS": ACCOUNT}, effect="Deny"), False, False),
        "by-access-role": (trust({"AWS": access}), False, False),
    }
    iam = aws.emulator.client("iam", role=access)
    for name, (statements, *_expected) in roles.items():
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps({"Statement": statements}))

    def assumed(name, client, **params):
        try:
            client.assume_role(RoleArn=f"arn:aws:iam::{member}:role/{name}", RoleSessionName="trust", **params)
        except ClientError as e:
            assert e.response["Error"]["Code"] == "AccessDenied"
            return False
        return True

    seen = {name: (assumed(name, aws.sts), assumed(name, aws.sts, ExternalId="k1")) for name in roles}
    assert seen == {name: tuple(expected) for name, (_statements, *expected) in roles.items()}
    # A role that trusts another role is assumed with that role's credentials (role chaining).
    assert assumed("by-access-role", aws.emulator.client("sts", role=access))
