# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Contract section H: destinations (items 34-41)."""

from __future__ import annotations

import json

import pytest

from tests.emulator.harness import TRUST_POLICY
from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import ALIAS
from tests.emulator.tests.emulator_helpers import PATTERN_PREFIX
from tests.emulator.tests.emulator_helpers import REGION
from tests.emulator.tests.emulator_helpers import error_of
from tests.emulator.tests.emulator_helpers import settings_of

IAM_ARN = f"arn:aws:iam::{ACCOUNT}:role/some-role"


def queue_arn(aws, name: str = "dest-queue", **attributes) -> str:
    url = aws.sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    return aws.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]


def invalid_config(on_success: str, on_failure: str) -> str:
    return (
        f"The provided destination config DestinationConfig(onSuccess={on_success}, onFailure={on_failure}) is invalid."
    )


def put_destinations(lam, fn, **sides):
    config = {side: {"Destination": arn} for side, arn in sides.items()}
    return lam.put_function_event_invoke_config(FunctionName=fn.name, DestinationConfig=config)


@pytest.mark.parametrize(("side", "path"), [("OnFailure", "onFailure"), ("OnSuccess", "onSuccess")])
def test_item34_pattern_violation_is_a_validation_exception(lam, fn, side, path):
    destination = f"arn:aws:_-/!lambda:{REGION}:{ACCOUNT}:function:x"
    error = error_of(put_destinations, lam, fn, **{side: destination})
    assert (error["Code"], error["Status"]) == ("ValidationException", 400)
    expected = (
        f"1 validation error detected: Value '{destination}' at 'destinationConfig.{path}.destination' "
        f"failed to satisfy constraint: {PATTERN_PREFIX}"
    )
    assert error["Message"].startswith(expected)


def test_item35_unsupported_service_on_success(lam, fn):
    error = error_of(put_destinations, lam, fn, OnSuccess=IAM_ARN)
    assert (error["Code"], error["Status"]) == ("InvalidParameterValueException", 400)
    assert error["Message"] == invalid_config(f"OnSuccess(destination={IAM_ARN})", "null")


def test_item35_unsupported_service_prints_both_sides(lam, fn):
    error = error_of(put_destinations, lam, fn, OnSuccess=fn.other_arn, OnFailure=IAM_ARN)
    assert error["Message"] == invalid_config(
        f"OnSuccess(destination={fn.other_arn})", f"OnFailure(destination={IAM_ARN})"
    )


@pytest.mark.parametrize(
    "destination",
    [
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:doesnotexist",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:eic-other:9",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:no-such-queue",
        f"arn:aws:sns:{REGION}:{ACCOUNT}:no-such-topic",
        f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/no-such-bus",
        f"arn:aws:events:{REGION}:{ACCOUNT}:rule/not-a-bus",
        "arn:aws:s3:::no-such-bucket",
    ],
)
def test_item36_destination_that_does_not_exist_is_invalid(lam, fn, destination):
    error = error_of(put_destinations, lam, fn, OnFailure=destination)
    assert (error["Code"], error["Status"]) == ("InvalidParameterValueException", 400)
    assert error["Message"] == f"The destination ARN {destination} is invalid."


@pytest.mark.parametrize("suffix", ["", ":1", f":{ALIAS}"])
@pytest.mark.parametrize("side", ["OnSuccess", "OnFailure"])
def test_item37_the_function_itself_is_not_a_destination(lam, fn, suffix, side):
    error = error_of(put_destinations, lam, fn, **{side: fn.arn + suffix})
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterValueException",
        "You can't specify the function as a destination for itself.",
    )


def test_item38_another_lambda_function(lam, fn):
    response = put_destinations(lam, fn, OnSuccess=fn.other_arn)
    assert response["DestinationConfig"] == {"OnSuccess": {"Destination": fn.other_arn}, "OnFailure": {}}


def test_item38_sqs_queue_on_both_sides(aws, fn):
    arn = queue_arn(aws)
    response = put_destinations(aws.lam, fn, OnSuccess=arn, OnFailure=arn)
    assert response["DestinationConfig"] == {"OnSuccess": {"Destination": arn}, "OnFailure": {"Destination": arn}}


def test_item38_sns_topic_on_both_sides(aws, fn):
    arn = aws.sns.create_topic(Name="dest-topic")["TopicArn"]
    response = put_destinations(aws.lam, fn, OnSuccess=arn, OnFailure=arn)
    got = aws.lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert (
        response["DestinationConfig"]
        == got["DestinationConfig"]
        == {
            "OnSuccess": {"Destination": arn},
            "OnFailure": {"Destination": arn},
        }
    )


@pytest.mark.parametrize("bus", ["default", "custom-bus"])
def test_item38_eventbridge_event_bus(aws, fn, bus):
    if bus != "default":
        aws.events.create_event_bus(Name=bus)
    arn = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/{bus}"
    response = put_destinations(aws.lam, fn, OnFailure=arn)
    assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {"Destination": arn}}


def test_item39_s3_bucket_is_accepted_on_failure(aws, fn):
    aws.s3.create_bucket(Bucket="dest-bucket")
    response = put_destinations(aws.lam, fn, OnFailure="arn:aws:s3:::dest-bucket")
    assert response["DestinationConfig"]["OnFailure"] == {"Destination": "arn:aws:s3:::dest-bucket"}


def test_item39_s3_bucket_is_refused_on_success(aws, fn):
    aws.s3.create_bucket(Bucket="dest-bucket")
    error = error_of(put_destinations, aws.lam, fn, OnSuccess="arn:aws:s3:::dest-bucket")
    assert (error["Code"], error["Status"]) == ("InvalidParameterValueException", 400)
    assert error["Message"] == invalid_config("OnSuccess(destination=arn:aws:s3:::dest-bucket)", "null")


def test_item40_inferred_kafka_is_not_an_async_destination(lam, fn):
    error = error_of(put_destinations, lam, fn, OnFailure="kafka://my-topic")
    assert error["Message"] == invalid_config("null", "OnFailure(destination=kafka://my-topic)")


def test_item41_fifo_queue_and_topic_are_accepted_at_configuration_time(aws, fn):
    queue = queue_arn(aws, "dest.fifo", FifoQueue="true")
    topic = aws.sns.create_topic(Name="dest.fifo", Attributes={"FifoTopic": "true"})["TopicArn"]
    response = put_destinations(aws.lam, fn, OnSuccess=topic, OnFailure=queue)
    assert response["DestinationConfig"] == {"OnSuccess": {"Destination": topic}, "OnFailure": {"Destination": queue}}


def test_item41_inferred_empty_destination_means_no_destination(lam, fn):
    response = put_destinations(lam, fn, OnFailure="")
    assert response["DestinationConfig"] == {"OnSuccess": {}, "OnFailure": {}}


def test_item46_empty_destinations_config_exists_and_get_returns_it(lam, fn):
    put = lam.put_function_event_invoke_config(FunctionName=fn.name, DestinationConfig={"OnSuccess": {}})
    got = lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert (
        settings_of(put)
        == settings_of(got)
        == {
            "FunctionArn": f"{fn.arn}:$LATEST",
            "DestinationConfig": {"OnSuccess": {}, "OnFailure": {}},
        }
    )


OTHER_ACCOUNT = "210987654321"


@pytest.mark.parametrize(
    "destination",
    [
        f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:consumer",
        f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:consumer:live",
        f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:eic-fn",  # same name, another account: not itself
        f"arn:aws:sqs:{REGION}:{OTHER_ACCOUNT}:failed-events.fifo",
        f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:alerts",
        f"arn:aws:events:{REGION}:{OTHER_ACCOUNT}:event-bus/central",
    ],
)
@pytest.mark.parametrize("side", ["OnSuccess", "OnFailure"])
def test_inferred_a_well_formed_destination_in_another_account_is_accepted(lam, fn, side, destination):
    response = put_destinations(lam, fn, **{side: destination})
    assert response["DestinationConfig"][side] == {"Destination": destination}
    got = lam.get_function_event_invoke_config(FunctionName=fn.name)
    assert got["DestinationConfig"] == response["DestinationConfig"]


@pytest.mark.parametrize(
    "destination",
    [
        f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:layer:shared",
        f"arn:aws:lambda::{OTHER_ACCOUNT}:function:consumer",
        f"arn:aws:sqs:{REGION}:{OTHER_ACCOUNT}:queue/with/slashes",
        f"arn:aws:sns:{REGION}:{OTHER_ACCOUNT}:",
        f"arn:aws:events:{REGION}:{OTHER_ACCOUNT}:rule/not-a-bus",
    ],
)
def test_inferred_a_malformed_destination_in_another_account_is_invalid(lam, fn, destination):
    error = error_of(put_destinations, lam, fn, OnFailure=destination)
    assert (error["Code"], error["Message"]) == (
        "InvalidParameterValueException",
        f"The destination ARN {destination} is invalid.",
    )


def test_inferred_another_accounts_destination_still_needs_an_allowed_service(lam, fn):
    destination = f"arn:aws:iam::{OTHER_ACCOUNT}:role/some-role"
    error = error_of(put_destinations, lam, fn, OnSuccess=destination)
    assert error["Message"] == invalid_config(f"OnSuccess(destination={destination})", "null")


def restricted_function(aws, name="eic-restricted", statements=()):
    """A function whose execution role has only ``statements`` (none: a role without policies)."""
    role = aws.iam.create_role(RoleName=f"{name}-role", AssumeRolePolicyDocument=TRUST_POLICY)["Role"]["Arn"]
    if statements:
        document = json.dumps({"Version": "2012-10-17", "Statement": list(statements)})
        aws.iam.put_role_policy(RoleName=f"{name}-role", PolicyName="deliver", PolicyDocument=document)
    aws.emulator.create_function(name, versions=1, role=role)
    return name


@pytest.mark.parametrize(
    ("make", "side", "verb"),
    [
        (queue_arn, "OnSuccess", "SendMessage"),
        (lambda aws: aws.sns.create_topic(Name="dest-topic")["TopicArn"], "OnFailure", "Publish"),
        (lambda aws: f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default", "OnSuccess", "PutEvents"),
        (lambda aws: aws.emulator.create_function("eic-target"), "OnFailure", "InvokeFunction"),
        (
            lambda aws: aws.s3.create_bucket(Bucket="dest-bucket") and "arn:aws:s3:::dest-bucket",
            "OnFailure",
            "PutObject",
        ),
    ],
)
def test_item63_inferred_a_role_without_permission_is_refused_on_put_and_update(aws, make, side, verb):
    destination = make(aws)
    name = restricted_function(aws)
    aws.lam.put_function_event_invoke_config(FunctionName=name, MaximumRetryAttempts=1)
    config = {side: {"Destination": destination}}
    for call in (aws.lam.put_function_event_invoke_config, aws.lam.update_function_event_invoke_config):
        error = error_of(call, FunctionName=name, DestinationConfig=config)
        assert (error["Code"], error["Status"]) == ("InvalidParameterValueException", 400)
        assert (
            error["Message"]
            == f"The function's execution role does not have permissions to call {verb} on {destination}"
        )
    assert aws.lam.get_function_event_invoke_config(FunctionName=name)["DestinationConfig"] == {
        "OnSuccess": {},
        "OnFailure": {},
    }


def test_item63_inferred_granting_the_action_on_the_destination_lets_put_through(aws):
    queue = queue_arn(aws)
    topic = aws.sns.create_topic(Name="dest-topic")["TopicArn"]
    name = restricted_function(aws, statements=[{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": queue}])
    config = {"OnSuccess": {"Destination": queue}, "OnFailure": {"Destination": topic}}
    error = error_of(aws.lam.put_function_event_invoke_config, FunctionName=name, DestinationConfig=config)
    assert error["Message"].endswith(f"to call Publish on {topic}")
    statement = {"Effect": "Allow", "Action": ["sqs:SendMessage", "sns:Publish"], "Resource": [queue, topic]}
    aws.iam.put_role_policy(
        RoleName=f"{name}-role",
        PolicyName="deliver",
        PolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": [statement]}),
    )
    response = aws.lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig=config)
    assert response["DestinationConfig"] == config


def test_item63_inferred_an_explicit_deny_wins_and_bucket_objects_are_the_s3_resource(aws):
    aws.s3.create_bucket(Bucket="dest-bucket")
    statements = [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {"Effect": "Deny", "Action": "s3:PutObject", "Resource": "arn:aws:s3:::dest-bucket/*"},
    ]
    name = restricted_function(aws, statements=statements)
    config = {"OnFailure": {"Destination": "arn:aws:s3:::dest-bucket"}}
    error = error_of(aws.lam.put_function_event_invoke_config, FunctionName=name, DestinationConfig=config)
    assert error["Message"].endswith("to call PutObject on arn:aws:s3:::dest-bucket")
    assert aws.lam.put_function_event_invoke_config(FunctionName=name, Qualifier="1", MaximumRetryAttempts=0)


@pytest.mark.parametrize(
    ("principal", "condition", "accepted"),
    [
        ("ROLE", None, True),
        ("*", None, True),
        (ACCOUNT, None, False),  # the account delegates to the role's own policies, which allow nothing here
        ("ROLE", {"ArnEquals": {"aws:SourceArn": "arn:aws:lambda:*"}}, False),
    ],
)
def test_item65_inferred_a_queue_policy_for_the_role_lets_put_through(aws, principal, condition, accepted):
    queue = queue_arn(aws)
    name = restricted_function(aws)
    role = f"arn:aws:iam::{ACCOUNT}:role/{name}-role"
    statement = {
        "Effect": "Allow",
        "Principal": {"AWS": role if principal == "ROLE" else principal},
        "Action": "sqs:SendMessage",
        "Resource": queue,
    }
    if condition:
        statement["Condition"] = condition
    url = aws.emulator.client("sqs").get_queue_url(QueueName=queue.rsplit(":", 1)[1])["QueueUrl"]
    policy = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
    aws.emulator.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": policy})
    config = {"OnFailure": {"Destination": queue}}
    if accepted:
        assert aws.lam.put_function_event_invoke_config(FunctionName=name, DestinationConfig=config)
    else:
        error = error_of(aws.lam.put_function_event_invoke_config, FunctionName=name, DestinationConfig=config)
        assert (
            error["Message"]
            == f"The function's execution role does not have permissions to call SendMessage on {queue}"
        )
