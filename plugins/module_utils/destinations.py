# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The destination kinds (queue, topic, function, event bus, bucket) in one table, and the validation of
asynchronous-invocation destination ARNs, before any API call.

Everything the collection knows of a kind is in its KINDS entry: its ARN form and sides, the actions delivery
needs, whether it may be encrypted or FIFO, and how it is read (the read, the codes that mean "missing", the
permission the read needs, its resource policy's read), so adding a kind touches this file only.

AWS answers most bad destinations with a generic "destination ARN is invalid" or a long regular
expression; validate_destination() says instead which option is wrong, why, and what is allowed.
"""

import re
from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ON_FAILURE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ON_SUCCESS

# The DestinationArn pattern of the Lambda API (botocore model), as AWS enforced it in 2025-11.
DESTINATION_ARN_RE = re.compile(
    r"^arn:(?P<partition>aws[a-zA-Z0-9-]*):(?P<service>[a-zA-Z0-9-]+):"
    r"(?P<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso[a-z]?))?-[a-z]+-\d)?:(?P<account>\d{12})?:(?P<resource>.*)\Z"
)
MAX_DESTINATION_LENGTH = 350


# The reads of each kind. ``client(service)`` is a paced client of the destination's region; each read returns
# (the KMS key as the destination names it or None, whether it is FIFO, its resource policy's JSON text or None)
# and raises the call's botocore error; a policy read returns the policy's JSON text.


def _read_queue(client, parsed):
    sqs = client("sqs")
    url = sqs.get_queue_url(aws_retry=True, QueueName=parsed.resource, QueueOwnerAWSAccountId=parsed.account)
    answer = sqs.get_queue_attributes(
        aws_retry=True, QueueUrl=url["QueueUrl"], AttributeNames=["FifoQueue", "KmsMasterKeyId", "Policy"]
    )
    attributes = answer.get("Attributes", {})  # absent when the queue has none of the attributes asked for
    return attributes.get("KmsMasterKeyId"), attributes.get("FifoQueue") == "true", attributes.get("Policy")


def _read_topic(client, parsed):
    attributes = client("sns").get_topic_attributes(aws_retry=True, TopicArn=parsed.arn)["Attributes"]
    return attributes.get("KmsMasterKeyId"), attributes.get("FifoTopic") == "true", attributes.get("Policy")


def _read_function(client, parsed):
    client("lambda").get_function(aws_retry=True, FunctionName=parsed.arn)
    return None, False, None


def _read_bus(client, parsed):
    return None, False, client("events").describe_event_bus(aws_retry=True, Name=parsed.arn).get("Policy")


def _read_bucket(client, parsed):
    client("s3").head_bucket(aws_retry=True, Bucket=parsed.resource)
    return None, False, None


def _function_policy(client, parsed):
    return client("lambda").get_policy(aws_retry=True, FunctionName=parsed.arn).get("Policy")


def _bucket_policy(client, parsed):
    return client("s3").get_bucket_policy(aws_retry=True, Bucket=parsed.resource).get("Policy")


# ``label`` names the kind in messages; ``resource_re`` checks the ARN's resource part; ``sides`` are the sides
# AWS allows it on; ``regional``: its ARN names a region and an account (a bucket's names neither);
# ``delivery`` the (action, resource) pairs the execution role needs, the resource a template over the
# destination ARN, the first pair the delivery action Lambda's Put and Update check ("The function's execution
# role does not have permissions to call SendMessage on ..."), the others needed by deliveries only;
# ``encrypted``: it may name a customer-managed KMS key, whose KMS_ACTIONS the role then needs too; ``fifo``
# what a FIFO one is called (None: it cannot be FIFO); ``missing_codes`` the error codes of its read that mean
# "no such destination" (for another account's destination, also "you may not read it": SQS answers
# NonExistentQueue for both); ``read_permission`` what the read needs, as warnings name it; ``read`` the read;
# ``policy_read`` (permission, read) of a resource policy the kind's read does not return, or None.
DestinationKind = namedtuple(
    "DestinationKind",
    "label resource_re sides regional delivery encrypted fifo missing_codes read_permission read policy_read",
)
KINDS = {
    "sqs": DestinationKind(
        "an SQS queue",
        re.compile(r"^[a-zA-Z0-9_-]{1,80}(\.fifo)?$"),
        (ON_SUCCESS, ON_FAILURE),
        True,
        (("sqs:SendMessage", "{arn}"),),
        True,
        "queue",
        ("AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist"),
        "sqs:GetQueueAttributes",
        _read_queue,
        None,
    ),
    "sns": DestinationKind(
        "an SNS topic",
        re.compile(r"^[a-zA-Z0-9_-]{1,256}(\.fifo)?$"),
        (ON_SUCCESS, ON_FAILURE),
        True,
        (("sns:Publish", "{arn}"),),
        True,
        "topic",
        ("NotFound", "NotFoundException"),
        "sns:GetTopicAttributes",
        _read_topic,
        None,
    ),
    "lambda": DestinationKind(
        "a Lambda function",
        re.compile(r"^function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$"),
        (ON_SUCCESS, ON_FAILURE),
        True,
        (("lambda:InvokeFunction", "{arn}"),),
        False,
        None,
        ("ResourceNotFoundException",),
        "lambda:GetFunction",
        _read_function,
        ("lambda:GetPolicy", _function_policy),
    ),
    "events": DestinationKind(
        "an EventBridge event bus",
        re.compile(r"^event-bus/[A-Za-z0-9._/-]{1,256}$"),
        (ON_SUCCESS, ON_FAILURE),
        True,
        (("events:PutEvents", "{arn}"),),
        False,
        None,
        ("ResourceNotFoundException",),
        "events:DescribeEventBus",
        _read_bus,
        None,
    ),
    "s3": DestinationKind(
        "an S3 bucket",
        re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"),
        (ON_FAILURE,),
        False,
        (("s3:PutObject", "{arn}/*"), ("s3:ListBucket", "{arn}")),
        False,
        None,
        ("404", "NoSuchBucket", "NotFound"),
        "s3:ListBucket",
        _read_bucket,
        ("s3:GetBucketPolicy", _bucket_policy),
    ),
}

ALLOWED_DESTINATIONS = (
    "an SQS queue (arn:aws:sqs:REGION:ACCOUNT:QUEUE), an SNS topic (arn:aws:sns:REGION:ACCOUNT:TOPIC), "
    "a Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME), an EventBridge event bus "
    "(arn:aws:events:REGION:ACCOUNT:event-bus/NAME), or, for on_failure only, an S3 bucket (arn:aws:s3:::BUCKET)"
)

# What the function's execution role must be allowed to do for Lambda to deliver to each kind (KINDS' delivery):
# the messages, the check-mode preflight, the grant's policy and the guide's IAM table all read it.
DELIVERY_PERMISSIONS = {service: kind.delivery for service, kind in KINDS.items()}
# What the role also needs on the customer-managed KMS key of an encrypted queue or topic.
KMS_ACTIONS = ("kms:GenerateDataKey", "kms:Decrypt")
REQUIRED_PERMISSIONS = {
    service: " and ".join(action for action, _resource in pairs) for service, pairs in DELIVERY_PERMISSIONS.items()
}

DestinationArn = namedtuple("DestinationArn", "arn partition service region account resource")


def parse_destination(arn):
    """Split a destination ARN into its parts, or return None when it is not an ARN at all."""
    match = DESTINATION_ARN_RE.match(arn or "")
    if not match:
        return None
    return DestinationArn(arn=arn, **match.groupdict())


def delivery_permissions(arn, kms_key=None):
    """The (action, resource) pairs the execution role needs to deliver to ``arn``, KMS key included; [] if unknown."""
    parsed = parse_destination(arn)
    if parsed is None or parsed.service not in DELIVERY_PERMISSIONS:
        return []
    pairs = [(action, resource.format(arn=arn)) for action, resource in DELIVERY_PERMISSIONS[parsed.service]]
    return pairs + [(action, kms_key) for action in KMS_ACTIONS] if kms_key else pairs


def put_checked(action, arn):
    """Whether Lambda's Put and Update refuse a config whose execution role may not do ``action`` for ``arn`` (a
    validated destination)."""
    return DELIVERY_PERMISSIONS[parse_destination(arn).service][0][0] == action


def required_permission(arn):
    """The IAM action(s) the execution role needs to deliver to ``arn``, or None if unknown."""
    parsed = parse_destination(arn)
    return REQUIRED_PERMISSIONS.get(parsed.service) if parsed else None


def _option(side):
    return f"destination_config.{side}.destination"


def _fail(side, arn, reason):
    raise InvalidOptionError(
        f"{_option(side)}={arn!r} {reason}. Allowed: {ALLOWED_DESTINATIONS}.", option=_option(side)
    )


def _is_self(parsed, target):
    """Whether a Lambda destination is the managed function itself (any of its qualifiers).

    An unknown partition or region is taken to match. An unknown account is not: a function of the
    same name in another account is a valid destination, so with a bare function name the question
    waits until AWS has named the account (see refuse_self_destination()).
    """
    name = parsed.resource.split(":")[1]  # function:NAME[:QUALIFIER], as validate_destination() checked
    if name != target.name or target.account is None:
        return False
    for part in ("partition", "region", "account"):
        mine = getattr(target, part)
        if mine is not None and mine != getattr(parsed, part):
            return False
    return True


def refuse_self_destination(side, arn, target):
    """Raise InvalidOptionError if ``arn`` is the function ``target`` names; a no-op while its account is unknown."""
    parsed = parse_destination(arn)
    if parsed is not None and parsed.service == "lambda" and _is_self(parsed, target):
        raise InvalidOptionError(
            f"{_option(side)}={arn!r} is the function {target.name} itself; a function cannot be its own destination. "
            "Use another function, a queue, a topic or an event bus.",
            option=_option(side),
        )


def _fifo_kind(parsed):
    """'queue' or 'topic' when ``parsed`` is a FIFO queue or topic (every delivery to one fails), else None."""
    kind = KINDS.get(parsed.service) if parsed is not None else None
    if kind is not None and kind.fifo and parsed.resource.endswith(".fifo"):
        return kind.fifo
    return None


def undeliverable_warning(side, arn):
    """A warning for a destination found on AWS that can never receive a record; None for any other."""
    kind = _fifo_kind(parse_destination(arn))
    if kind is None:
        return None
    return (
        f"The {side} destination {arn} is a FIFO {kind}: AWS accepted it, but every delivery to it fails. "
        f"It was left as it is; set destination_config to a standard {kind} to fix it."
    )


def validate_destination(side, arn, target, region=None):
    """Raise InvalidOptionError unless ``arn`` can be the ``side`` destination of ``target``'s config.

    ``region`` is the connection's region, used to tell whether a Lambda destination is the function
    itself when ``target`` carries no region.
    """
    if not isinstance(arn, str) or not arn:
        raise InvalidOptionError(
            f"{_option(side)} must be a destination ARN; to remove the {side} destination, leave {side} out of destination_config.",
            option=_option(side),
        )
    if len(arn) > MAX_DESTINATION_LENGTH:
        _fail(side, arn, f"is longer than {MAX_DESTINATION_LENGTH} characters")
    parsed = parse_destination(arn)
    if parsed is None:
        _fail(side, arn, "is not an ARN (expected arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE)")
    if parsed.service not in KINDS:
        _fail(
            side,
            arn,
            f"names the {parsed.service} service, which cannot receive asynchronous invocation records",
        )
    kind = KINDS[parsed.service]
    if side not in kind.sides:
        _fail(side, arn, f"is {kind.label}, which AWS supports as an on_failure destination only")
    if not kind.regional:
        if parsed.region or parsed.account:
            _fail(side, arn, "is not a bucket ARN: an S3 bucket ARN has empty region and account (arn:aws:s3:::BUCKET)")
    elif not parsed.region or not parsed.account:
        _fail(side, arn, f"lacks a region or account; {kind.label} ARN names both")
    if not kind.resource_re.match(parsed.resource):
        _fail(side, arn, f"does not name {kind.label}")
    fifo = _fifo_kind(parsed)
    if fifo:
        raise InvalidOptionError(
            f"{_option(side)}={arn!r} is a FIFO {fifo}. AWS accepts it in the configuration but every delivery to it fails: "
            f"use a standard {fifo} as the destination.",
            option=_option(side),
        )
    refuse_self_destination(side, arn, target._replace(region=target.region or region))
    return arn
