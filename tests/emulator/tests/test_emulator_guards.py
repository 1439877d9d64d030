# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What AWS answers where moto would answer otherwise: another account's destinations read by this account's
caller, and IAM's quota on a role's inline policies (CONTRACT.md items 66 and 67)."""

from __future__ import annotations

import json

import pytest

from tests.emulator.harness import TRUST_POLICY
from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import error_of

OTHER = "210987654321"


FUNCTION = {"FunctionName": f"arn:aws:lambda:us-east-1:{OTHER}:function:f"}
READS = {
    "sqs.get_queue_url": (
        {"QueueName": "orders", "QueueOwnerAWSAccountId": OTHER},
        "AWS.SimpleQueueService.NonExistentQueue",
        400,
    ),
    "sns.get_topic_attributes": ({"TopicArn": f"arn:aws:sns:us-east-1:{OTHER}:alerts"}, "AuthorizationError", 403),
    "lambda.get_function": (FUNCTION, "AccessDeniedException", 403),
    "lambda.get_policy": (FUNCTION, "AccessDeniedException", 403),
    "events.describe_event_bus": (
        {"Name": f"arn:aws:events:us-east-1:{OTHER}:event-bus/b"},
        "AccessDeniedException",
        400,
    ),
}


@pytest.mark.parametrize("read", READS)
def test_item66_another_account_s_destination_is_not_readable(aws, read):
    service, call = read.split(".")
    params, code, status = READS[read]
    error = error_of(getattr(aws.emulator.client(service), call), **params)
    assert (error["Code"], error["Status"]) == (code, status)


def test_item66_this_account_s_queue_is_read_as_moto_has_it(aws):
    aws.emulator.create_queue("orders")
    url = aws.emulator.client("sqs").get_queue_url(QueueName="orders", QueueOwnerAWSAccountId=ACCOUNT)["QueueUrl"]
    assert url.endswith(f"/{ACCOUNT}/orders")


def statements(count):
    return [
        {
            "Sid": f"S{index}",
            "Effect": "Allow",
            "Action": "sqs:SendMessage",
            "Resource": f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{index:04d}",
        }
        for index in range(count)
    ]


def size(document):
    return len("".join(json.dumps(document).split()))


def test_item67_a_role_s_inline_policies_share_10240_characters(aws):
    aws.iam.create_role(RoleName="quota", AssumeRolePolicyDocument=TRUST_POLICY)
    first = {"Version": "2012-10-17", "Statement": statements(60)}
    aws.iam.put_role_policy(RoleName="quota", PolicyName="first", PolicyDocument=json.dumps(first, indent=4))
    second = {"Version": "2012-10-17", "Statement": statements(60)}
    assert size(first) + size(second) > 10240 >= size(first)
    error = error_of(aws.iam.put_role_policy, RoleName="quota", PolicyName="second", PolicyDocument=json.dumps(second))
    assert (error["Code"], error["Status"]) == ("LimitExceeded", 409)
    assert error["Message"] == "Maximum policy size of 10240 bytes exceeded for role quota"
    # Replacing a policy counts its new document, not both.
    aws.iam.put_role_policy(RoleName="quota", PolicyName="first", PolicyDocument=json.dumps(second))


def test_item68_managed_policies_hold_6144_characters_and_a_role_takes_10(aws):
    aws.iam.create_role(RoleName="managed", AssumeRolePolicyDocument=TRUST_POLICY)
    large = {"Version": "2012-10-17", "Statement": statements(60)}
    assert size(large) > 6144
    error = error_of(aws.iam.create_policy, PolicyName="large", PolicyDocument=json.dumps(large))
    assert (error["Code"], error["Status"], error["Message"]) == (
        "LimitExceeded",
        409,
        "Cannot exceed quota for PolicySize: 6144",
    )
    small = json.dumps({"Version": "2012-10-17", "Statement": statements(1)})
    arns = [aws.iam.create_policy(PolicyName=f"p{index}", PolicyDocument=small)["Policy"]["Arn"] for index in range(11)]
    error = error_of(aws.iam.create_policy_version, PolicyArn=arns[0], PolicyDocument=json.dumps(large))
    assert error["Message"] == "Cannot exceed quota for PolicySize: 6144"
    for arn in arns[:10]:
        aws.iam.attach_role_policy(RoleName="managed", PolicyArn=arn)
    aws.iam.attach_role_policy(RoleName="managed", PolicyArn=arns[0])  # attached already: no change, no error
    error = error_of(aws.iam.attach_role_policy, RoleName="managed", PolicyArn=arns[10])
    assert (error["Code"], error["Message"]) == ("LimitExceeded", "Cannot exceed quota for PoliciesPerRole: 10")
