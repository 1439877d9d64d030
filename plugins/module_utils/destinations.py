# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Validation of asynchronous-invocation destination ARNs, before any API call.

AWS answers most bad destinations with a generic "destination ARN is invalid" or a long regular
expression; these checks say instead which option is wrong, why, and what is allowed.
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


# Service -> (resource pattern, what the resource is called, sides it is allowed on).
_SERVICES = {
    "sqs": (re.compile(r"^[a-zA-Z0-9_-]{1,80}(\.fifo)?$"), "an SQS queue", (ON_SUCCESS, ON_FAILURE)),
    "sns": (re.compile(r"^[a-zA-Z0-9_-]{1,256}(\.fifo)?$"), "an SNS topic", (ON_SUCCESS, ON_FAILURE)),
    "lambda": (
        re.compile(r"^function:[a-zA-Z0-9_-]{1,64}(:(\$LATEST|[a-zA-Z0-9_-]{1,128}))?$"),
        "a Lambda function",
        (ON_SUCCESS, ON_FAILURE),
    ),
    "events": (re.compile(r"^event-bus/[A-Za-z0-9._/-]{1,256}$"), "an EventBridge event bus", (ON_SUCCESS, ON_FAILURE)),
    "s3": (re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"), "an S3 bucket", (ON_FAILURE,)),
}

ALLOWED_DESTINATIONS = (
    "an SQS queue (arn:aws:sqs:REGION:ACCOUNT:QUEUE), an SNS topic (arn:aws:sns:REGION:ACCOUNT:TOPIC), "
    "a Lambda function (arn:aws:lambda:REGION:ACCOUNT:function:NAME), an EventBridge event bus "
    "(arn:aws:events:REGION:ACCOUNT:event-bus/NAME), or, for on_failure only, an S3 bucket (arn:aws:s3:::BUCKET)"
)

# What the function's execution role must be allowed to do for Lambda to deliver to each destination service:
# (action, resource) pairs, the resource a template over the destination ARN. The one home of this table: the
# messages, the check-mode preflight, the grant's policy and the guide's IAM table all read it. The first pair is
# the delivery action, which Lambda's Put and Update check ("The function's execution role does not have
# permissions to call SendMessage on ..."); the others, like the KMS actions, are needed by deliveries only.
DELIVERY_PERMISSIONS = {
    "sqs": (("sqs:SendMessage", "{arn}"),),
    "sns": (("sns:Publish", "{arn}"),),
    "lambda": (("lambda:InvokeFunction", "{arn}"),),
    "events": (("events:PutEvents", "{arn}"),),
    "s3": (("s3:PutObject", "{arn}/*"), ("s3:ListBucket", "{arn}")),
}
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
    if parsed is not None and parsed.service in ("sqs", "sns") and parsed.resource.endswith(".fifo"):
        return "queue" if parsed.service == "sqs" else "topic"
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
    if parsed.service not in _SERVICES:
        _fail(
            side,
            arn,
            f"names the {parsed.service} service, which cannot receive asynchronous invocation records",
        )
    resource_re, kind, sides = _SERVICES[parsed.service]
    if side not in sides:
        _fail(side, arn, f"is {kind}, which AWS supports as an on_failure destination only")
    if parsed.service == "s3":
        if parsed.region or parsed.account:
            _fail(side, arn, "is not a bucket ARN: an S3 bucket ARN has empty region and account (arn:aws:s3:::BUCKET)")
    elif not parsed.region or not parsed.account:
        _fail(side, arn, f"lacks a region or account; {kind} ARN names both")
    if not resource_re.match(parsed.resource):
        _fail(side, arn, f"does not name {kind}")
    fifo = _fifo_kind(parsed)
    if fifo:
        raise InvalidOptionError(
            f"{_option(side)}={arn!r} is a FIFO {fifo}. AWS accepts it in the configuration but every delivery to it fails: "
            f"use a standard {fifo} as the destination.",
            option=_option(side),
        )
    refuse_self_destination(side, arn, target._replace(region=target.region or region))
    return arn
