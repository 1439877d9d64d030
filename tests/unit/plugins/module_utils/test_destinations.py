# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import delivery_permissions
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import parse_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import refuse_self_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import required_permission
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import undeliverable_warning
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import validate_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ON_FAILURE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ON_SUCCESS

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "210987654321"
REGION = "us-east-1"
BOTH_SIDES = [ON_SUCCESS, ON_FAILURE]

TARGET = parse_function_name("my-function")

SQS = f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-queue"
SNS = f"arn:aws:sns:{REGION}:{ACCOUNT}:my-topic"
OTHER_FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:other-function"
BUS = f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/default"
BUCKET = "arn:aws:s3:::my-failed-events"


def _refused(side, arn, target=TARGET, region=REGION):
    with pytest.raises(InvalidOptionError) as raised:
        validate_destination(side, arn, target, region)
    option = f"destination_config.{side}.destination"
    assert raised.value.option == option
    assert str(raised.value).startswith(f"{option}=")
    assert repr(arn) in str(raised.value)
    return str(raised.value)


# --- accepted ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn",
    [
        SQS,
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:{'q' * 80}",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue_name-2",
        SNS,
        f"arn:aws:sns:{REGION}:{ACCOUNT}:{'t' * 256}",
        OTHER_FUNCTION,
        f"{OTHER_FUNCTION}:$LATEST",
        f"{OTHER_FUNCTION}:3",
        f"{OTHER_FUNCTION}:prod",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{'f' * 64}:{'a' * 128}",
        BUS,
        f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/my-bus",
        f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/aws.partner/example.com/123/my.bus_name",
        f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:my-queue",
        f"arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:my-topic",
        f"arn:aws-iso:lambda:us-iso-east-1:{ACCOUNT}:function:other-function",
        f"arn:aws-iso-b:events:us-isob-east-1:{ACCOUNT}:event-bus/default",
        f"arn:aws-eusc:sqs:eusc-de-east-1:{ACCOUNT}:my-queue",
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_destination_accepted_on_both_sides(side, arn):
    assert validate_destination(side, arn, TARGET, REGION) == arn


@pytest.mark.parametrize(
    "arn",
    [
        BUCKET,
        "arn:aws:s3:::abc",
        f"arn:aws:s3:::{'b' * 63}",
        "arn:aws:s3:::my.bucket-1",
        "arn:aws-cn:s3:::my-failed-events",
        "arn:aws-us-gov:s3:::my-failed-events",
    ],
)
def test_s3_bucket_accepted_on_failure(arn):
    assert validate_destination(ON_FAILURE, arn, TARGET, REGION) == arn


@pytest.mark.parametrize("arn", [BUCKET, "arn:aws-cn:s3:::my-failed-events"])
def test_s3_bucket_refused_on_success(arn):
    message = _refused(ON_SUCCESS, arn)
    assert "is an S3 bucket, which AWS supports as an on_failure destination only" in message


# --- refused ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn, kind",
    [
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-queue.fifo", "FIFO queue"),
        (f"arn:aws-cn:sqs:cn-north-1:{ACCOUNT}:q.fifo", "FIFO queue"),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:my-topic.fifo", "FIFO topic"),
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_fifo_refused(side, arn, kind):
    message = _refused(side, arn)
    assert f"is a {kind}" in message
    assert "every delivery to it fails" in message


@pytest.mark.parametrize(
    "arn, service",
    [
        (f"arn:aws:iam::{ACCOUNT}:role/my-role", "iam"),
        (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/my-table", "dynamodb"),
        (f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/my-stream", "kinesis"),
        (f"arn:aws:kafka:{REGION}:{ACCOUNT}:cluster/my-cluster/abcd-1234", "kafka"),
        (f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/my-stream", "firehose"),
        (f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:my-group", "logs"),
        (f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:my-machine", "states"),
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_unsupported_service_refused(side, arn, service):
    message = _refused(side, arn)
    assert f"names the {service} service, which cannot receive asynchronous invocation records" in message
    assert "Allowed: an SQS queue" in message


@pytest.mark.parametrize(
    "arn",
    [
        "kafka://my-topic",
        "my-queue",
        "https://sqs.us-east-1.amazonaws.com/123456789012/my-queue",
        "arn:aws:sqs",
        "arn:aws:sqs:us-east-1",
        f"arn:aws:sqs:{REGION}:12345:my-queue",
        f"arn:aws:sqs:useast1:{ACCOUNT}:my-queue",
        f"arn:azure:sqs:{REGION}:{ACCOUNT}:my-queue",
        f"arn::sqs:{REGION}:{ACCOUNT}:my-queue",
        f"arn:aws:_-/!lambda:{REGION}:{ACCOUNT}:function:other-function",
        f" {SQS}",
        f"{SQS}\n",
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_non_arn_refused(side, arn):
    assert "is not an ARN (expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)" in _refused(side, arn)


@pytest.mark.parametrize("side", BOTH_SIDES)
def test_longer_than_350_characters_refused(side):
    prefix = f"arn:aws:sqs:{REGION}:{ACCOUNT}:"
    arn = prefix + "q" * (351 - len(prefix))
    assert len(arn) == 351
    assert "is longer than 350 characters" in _refused(side, arn)


@pytest.mark.parametrize("side", BOTH_SIDES)
def test_350_characters_pass_the_length_check(side):
    prefix = f"arn:aws:sqs:{REGION}:{ACCOUNT}:"
    arn = prefix + "q" * (350 - len(prefix))
    message = _refused(side, arn)
    assert "longer than" not in message
    assert "does not name an SQS queue" in message


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:sqs::{ACCOUNT}:my-queue",
        f"arn:aws:sqs:{REGION}::my-queue",
        "arn:aws:sns:::my-topic",
        f"arn:aws:lambda:{REGION}::function:other-function",
        f"arn:aws:lambda::{ACCOUNT}:function:other-function",
        f"arn:aws:events::{ACCOUNT}:event-bus/default",
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_missing_region_or_account_refused(side, arn):
    assert "lacks a region or account" in _refused(side, arn)


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:s3:{REGION}:{ACCOUNT}:my-bucket",
        f"arn:aws:s3::{ACCOUNT}:my-bucket",
        f"arn:aws:s3:{REGION}::my-bucket",
    ],
)
def test_s3_arn_with_region_or_account_refused(arn):
    assert "is not a bucket ARN" in _refused(ON_FAILURE, arn)


@pytest.mark.parametrize(
    "side, arn, kind",
    [
        (ON_SUCCESS, f"arn:aws:sqs:{REGION}:{ACCOUNT}:queue/with/slashes", "an SQS queue"),
        (ON_SUCCESS, f"arn:aws:sqs:{REGION}:{ACCOUNT}:{'q' * 81}", "an SQS queue"),
        (ON_FAILURE, f"arn:aws:sns:{REGION}:{ACCOUNT}:my topic", "an SNS topic"),
        (ON_FAILURE, f"arn:aws:sns:{REGION}:{ACCOUNT}:", "an SNS topic"),
        (ON_SUCCESS, f"arn:aws:lambda:{REGION}:{ACCOUNT}:other-function", "a Lambda function"),
        (ON_SUCCESS, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{'f' * 65}", "a Lambda function"),
        (ON_FAILURE, f"{OTHER_FUNCTION}:a.b", "a Lambda function"),
        (ON_FAILURE, f"{OTHER_FUNCTION}:1:2", "a Lambda function"),
        (ON_FAILURE, f"arn:aws:lambda:{REGION}:{ACCOUNT}:layer:my-layer", "a Lambda function"),
        (ON_SUCCESS, f"arn:aws:events:{REGION}:{ACCOUNT}:rule/my-rule", "an EventBridge event bus"),
        (ON_SUCCESS, f"arn:aws:events:{REGION}:{ACCOUNT}:event-bus/", "an EventBridge event bus"),
        (ON_FAILURE, "arn:aws:s3:::My-Bucket", "an S3 bucket"),
        (ON_FAILURE, "arn:aws:s3:::ab", "an S3 bucket"),
        (ON_FAILURE, f"arn:aws:s3:::{'b' * 64}", "an S3 bucket"),
        (ON_FAILURE, "arn:aws:s3:::my-bucket/prefix", "an S3 bucket"),
        (ON_FAILURE, "arn:aws:s3:::-bucket", "an S3 bucket"),
    ],
)
def test_wrong_resource_refused(side, arn, kind):
    assert f"does not name {kind}" in _refused(side, arn)


@pytest.mark.parametrize("arn", ["", None, 123, {"destination": SQS}])
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_missing_destination_refused(side, arn):
    with pytest.raises(InvalidOptionError) as raised:
        validate_destination(side, arn, TARGET, REGION)
    option = f"destination_config.{side}.destination"
    assert raised.value.option == option
    assert f"{option} must be a destination ARN" in str(raised.value)
    assert f"leave {side} out of destination_config" in str(raised.value)


# --- self-destination ------------------------------------------------------------------------------------------

SELF = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function"


@pytest.mark.parametrize(
    "function_name, region, arn",
    [
        (f"{ACCOUNT}:function:my-function", REGION, SELF),
        (f"{ACCOUNT}:function:my-function", REGION, f"{SELF}:$LATEST"),
        (f"{ACCOUNT}:function:my-function", REGION, f"{SELF}:1"),
        (f"{ACCOUNT}:function:my-function:prod", REGION, SELF),
        (f"{ACCOUNT}:function:my-function", None, f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function"),
        (SELF, REGION, SELF),
        (SELF, None, SELF),
        (f"{SELF}:prod", REGION, f"{SELF}:prod"),
        (
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function",
            "cn-north-1",
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function",
        ),
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_self_destination_refused(side, function_name, region, arn):
    target = parse_function_name(function_name, region=region)
    message = _refused(side, arn, target=target, region=region)
    assert "is the function my-function itself; a function cannot be its own destination" in message


BARE_NAME_SELF_CASES = [
    ("my-function", SELF),
    ("my-function", f"{SELF}:$LATEST"),
    ("my-function", f"{SELF}:prod"),
    ("my-function:prod", SELF),
]


@pytest.mark.parametrize("function_name, arn", BARE_NAME_SELF_CASES)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_bare_name_cannot_tell_self_before_the_account_is_known(side, function_name, arn):
    """A same-named function in another account is a valid destination: no verdict without the account."""
    target = parse_function_name(function_name, region=REGION)
    assert validate_destination(side, arn, target, REGION) == arn


@pytest.mark.parametrize("function_name, arn", BARE_NAME_SELF_CASES)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_bare_name_self_destination_refused_once_the_function_arn_is_known(side, function_name, arn):
    target = parse_function_name(function_name, region=REGION).with_identity_of(f"{SELF}:$LATEST")
    with pytest.raises(InvalidOptionError) as raised:
        refuse_self_destination(side, arn, target)
    assert "is the function my-function itself" in str(raised.value)
    assert raised.value.option == f"destination_config.{side}.destination"


@pytest.mark.parametrize(
    "arn",
    [
        f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-function",
        f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function-2",
        f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-function",
        "not an arn",
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_not_self_once_the_account_is_known(side, arn):
    target = parse_function_name("my-function", region=REGION).with_identity_of(SELF)
    assert refuse_self_destination(side, arn, target) is None


@pytest.mark.parametrize(
    "arn, kind",
    [
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-queue.fifo", "queue"),
        (f"arn:aws:sns:{REGION}:{ACCOUNT}:my-topic.fifo", "topic"),
    ],
)
def test_undeliverable_warning_for_a_fifo_destination(arn, kind):
    assert undeliverable_warning("on_failure", arn) == (
        f"The on_failure destination {arn} is a FIFO {kind}: AWS accepted it, but every delivery to it fails. "
        f"It was left as it is; set destination_config to a standard {kind} to fix it."
    )


@pytest.mark.parametrize("arn", [SQS, SNS, f"{SELF}:prod", "arn:aws:s3:::old_Bucket_Name", None, "kafka://x.fifo"])
def test_no_undeliverable_warning_for_other_destinations(arn):
    assert undeliverable_warning("on_success", arn) is None


@pytest.mark.parametrize(
    "function_name, region, arn",
    [
        ("my-function", REGION, OTHER_FUNCTION),
        ("my-function", REGION, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my-function-2"),
        ("my-function", REGION, f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:my"),
        ("my-function", REGION, f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function"),
        (SELF, REGION, f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-function"),
        (SELF, None, f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-function"),
        (SELF, None, f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function"),
        (f"{SELF}:prod", REGION, f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-function:prod"),
        (f"{ACCOUNT}:function:my-function", REGION, f"arn:aws:lambda:{REGION}:{OTHER_ACCOUNT}:function:my-function"),
        (f"{ACCOUNT}:function:my-function", REGION, f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function"),
        (SELF, REGION, f"arn:aws-us-gov:lambda:{REGION}:{ACCOUNT}:function:my-function"),
        ("my-function", REGION, f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-function"),
        ("my-function", REGION, f"arn:aws:sns:{REGION}:{ACCOUNT}:my-function"),
    ],
)
@pytest.mark.parametrize("side", BOTH_SIDES)
def test_other_function_accepted(side, function_name, region, arn):
    target = parse_function_name(function_name, region=region)
    assert validate_destination(side, arn, target, region) == arn


# --- parse_destination / required_permission --------------------------------------------------------------------


@pytest.mark.parametrize(
    "arn, parts",
    [
        (SQS, ("aws", "sqs", REGION, ACCOUNT, "my-queue")),
        (f"{OTHER_FUNCTION}:prod", ("aws", "lambda", REGION, ACCOUNT, "function:other-function:prod")),
        (BUS, ("aws", "events", REGION, ACCOUNT, "event-bus/default")),
        (BUCKET, ("aws", "s3", None, None, "my-failed-events")),
        (f"arn:aws-us-gov:sns:us-gov-west-1:{ACCOUNT}:t", ("aws-us-gov", "sns", "us-gov-west-1", ACCOUNT, "t")),
        (f"arn:aws-eusc:sqs:eusc-de-east-1:{ACCOUNT}:q", ("aws-eusc", "sqs", "eusc-de-east-1", ACCOUNT, "q")),
    ],
)
def test_parse_destination(arn, parts):
    parsed = parse_destination(arn)
    assert parsed.arn == arn
    assert (parsed.partition, parsed.service, parsed.region, parsed.account, parsed.resource) == parts


@pytest.mark.parametrize("arn", [None, "", "kafka://my-topic", "my-queue", f"{SQS}\n"])
def test_parse_destination_of_a_non_arn(arn):
    assert parse_destination(arn) is None


@pytest.mark.parametrize(
    "arn, permission",
    [
        (SQS, "sqs:SendMessage"),
        (f"arn:aws:sqs:{REGION}:{ACCOUNT}:my-queue.fifo", "sqs:SendMessage"),
        (SNS, "sns:Publish"),
        (OTHER_FUNCTION, "lambda:InvokeFunction"),
        (f"{OTHER_FUNCTION}:prod", "lambda:InvokeFunction"),
        (BUS, "events:PutEvents"),
        (BUCKET, "s3:PutObject and s3:ListBucket"),
        (f"arn:aws-cn:sns:cn-north-1:{ACCOUNT}:my-topic", "sns:Publish"),
        (f"arn:aws:iam::{ACCOUNT}:role/my-role", None),
        (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/my-table", None),
        ("kafka://my-topic", None),
        ("my-queue", None),
        ("", None),
        (None, None),
    ],
)
def test_required_permission(arn, permission):
    assert required_permission(arn) == permission


KEY = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"


@pytest.mark.parametrize(
    "arn, kms_key, pairs",
    [
        (SQS, None, [("sqs:SendMessage", SQS)]),
        (SQS, KEY, [("sqs:SendMessage", SQS), ("kms:GenerateDataKey", KEY), ("kms:Decrypt", KEY)]),
        (SNS, None, [("sns:Publish", SNS)]),
        (f"{OTHER_FUNCTION}:prod", None, [("lambda:InvokeFunction", f"{OTHER_FUNCTION}:prod")]),
        (BUS, None, [("events:PutEvents", BUS)]),
        (BUCKET, None, [("s3:PutObject", f"{BUCKET}/*"), ("s3:ListBucket", BUCKET)]),
        (f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/my-table", KEY, []),
        ("my-queue", None, []),
    ],
)
def test_delivery_permissions(arn, kms_key, pairs):
    assert delivery_permissions(arn, kms_key) == pairs


@pytest.mark.parametrize(
    "arn, reason",
    [
        ("sqs-queue", "is not an ARN (expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)"),
        (
            "arn:aws:s3:us-east-1:123456789012:bucket",
            "is not a bucket ARN: an S3 bucket ARN has empty region and account (arn:aws:s3:::BUCKET)",
        ),
    ],
)
def test_validate_destination_says_why_in_its_own_words(arn, reason):
    with pytest.raises(InvalidOptionError) as raised:
        validate_destination(ON_FAILURE, arn, parse_function_name("my-function"))
    assert f"destination_config.on_failure.destination={arn!r} {reason}. Allowed: " in str(raised.value)
