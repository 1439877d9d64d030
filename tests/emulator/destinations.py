# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Semantic checks of DestinationConfig (CONTRACT.md section H): allowed services, target existence, self-reference."""

from __future__ import annotations

import re

from . import iam_policies
from . import moto_resources
from .aws_errors import invalid_parameter
from .function_names import parse_function_name

ARN = re.compile(r"arn:(?P<partition>[^:]*):(?P<service>[^:]*):(?P<region>[^:]*):(?P<account>[^:]*):(?P<resource>.*)")
SIDES = ("OnSuccess", "OnFailure")
ANY_SIDE_SERVICES = {"sqs", "sns", "lambda", "events"}
ON_FAILURE_ONLY_SERVICES = {"s3"}
# The resource part of a well-formed destination ARN, per service (S3 ARNs carry no account).
RESOURCE_FORMS = {
    "lambda": re.compile(r"function:[a-zA-Z0-9-_]{1,64}(:(\$LATEST|[a-zA-Z0-9-_]{1,128}))?"),
    "sqs": re.compile(r"[a-zA-Z0-9_-]{1,75}(\.fifo)?"),
    "sns": re.compile(r"[a-zA-Z0-9_-]{1,251}(\.fifo)?"),
    "events": re.compile(r"event-bus/[/.\-_A-Za-z0-9]{1,256}"),
}
# What the execution role must be allowed to do for Lambda to deliver, and on which resource. Documented by AWS
# (Lambda developer guide, asynchronous invocation destinations); S3 also wants s3:ListBucket, not checked here.
DELIVERY_PERMISSIONS = {
    "sqs": ("sqs:SendMessage", "{arn}"),
    "sns": ("sns:Publish", "{arn}"),
    "lambda": ("lambda:InvokeFunction", "{arn}"),
    "events": ("events:PutEvents", "{arn}"),
    "s3": ("s3:PutObject", "{arn}/*"),
}


def normalize(destination_config: dict | None) -> dict:
    """Both sides present; an unset side is ``{}``.

    Inferred: an empty-string Destination (allowed by the pattern, not recorded) is treated as no destination.
    """
    config = destination_config or {}
    normalized = {}
    for side in SIDES:
        destination = (config.get(side) or {}).get("Destination")
        normalized[side] = {"Destination": destination} if destination else {}
    return normalized


def check(destination_config: dict | None, function_name: str, region: str, account: str, role: str | None) -> None:
    """Raise InvalidParameterValueException for a destination AWS would refuse.

    Last, the execution role ``role`` must be allowed to deliver to each destination, by its own policies or by the
    destination's resource policy (CONTRACT.md items 63 and 65).
    """
    if not destination_config:
        return
    targets = {side: (destination_config.get(side) or {}).get("Destination") for side in SIDES}
    if any(target and not service_allowed(side, target) for side, target in targets.items()):
        raise invalid_parameter(f"The provided destination config {describe(destination_config)} is invalid.")
    for target in filter(None, targets.values()):
        if is_self(target, function_name, region, account):
            raise invalid_parameter("You can't specify the function as a destination for itself.")
        if not target_exists(target, account):
            raise invalid_parameter(f"The destination ARN {target} is invalid.")
    for target in filter(None, targets.values()):
        arn = ARN.fullmatch(target)
        action, resource = DELIVERY_PERMISSIONS[arn["service"]]
        resource = resource.format(arn=target)
        policy = moto_resources.resource_policy(arn["service"], arn["region"], arn["account"], arn["resource"], target)
        if not (
            iam_policies.role_may(role, action, resource)
            or iam_policies.resource_policy_allows(policy, role, action, resource)
        ):
            raise invalid_parameter(
                f"The function's execution role does not have permissions to call {action.split(':')[1]} on {target}"
            )


def service_allowed(side: str, target: str) -> bool:
    """kafka:// passes the pattern but is no async-invocation destination (inferred: CONTRACT.md item 54)."""
    arn = ARN.fullmatch(target)
    if arn is None:
        return False
    if arn["service"] in ANY_SIDE_SERVICES:
        return True
    return side == "OnFailure" and arn["service"] in ON_FAILURE_ONLY_SERVICES


def describe(destination_config: dict) -> str:
    """AWS's Java-style rendering, e.g. ``DestinationConfig(onSuccess=OnSuccess(destination=arn), onFailure=null)``.

    A side that was not sent is ``null`` (recorded); a side sent as ``{}`` prints ``OnX(destination=null)`` (inferred).
    """
    parts = []
    for side in SIDES:
        field = side[0].lower() + side[1:]
        if destination_config.get(side) is None:
            parts.append(f"{field}=null")
        else:
            destination = destination_config[side].get("Destination")
            parts.append(f"{field}={side}(destination={destination if destination else 'null'})")
    return f"DestinationConfig({', '.join(parts)})"


def is_self(target: str, function_name: str, region: str, account: str) -> bool:
    """The function's own ARN. Inferred: a qualified self-ARN (not recorded) counts as self too."""
    arn = ARN.fullmatch(target)
    if arn is None or arn["service"] != "lambda":
        return False
    ref = parse_function_name(target)
    return ref is not None and (ref.name, arn["region"], arn["account"]) == (function_name, region, account)


def target_exists(target: str, account: str) -> bool:
    """Inferred for SQS, SNS, EventBridge and S3 (only Lambda is recorded): the target must exist in moto.

    Inferred (CONTRACT.md item 57): a target in another account is accepted when well-formed. moto has no
    resources there, and AWS's answer depends on that account's resource policy, which nothing here models.
    """
    arn = ARN.fullmatch(target)
    if arn["account"] and arn["account"] != account:
        form = RESOURCE_FORMS.get(arn["service"])
        return bool(arn["region"]) and form is not None and form.fullmatch(arn["resource"]) is not None
    return exists_in_moto(target, arn)


def exists_in_moto(target: str, arn: re.Match) -> bool:
    region, owner, resource, service = arn["region"], arn["account"], arn["resource"], arn["service"]
    if service == "lambda":
        ref = parse_function_name(target)
        return ref is not None and moto_resources.function_exists(region, ref.name, ref.qualifier, owner)
    if service == "sqs":
        return moto_resources.queue_exists(region, owner, resource)
    if service == "sns":
        return moto_resources.topic_exists(region, owner, target)
    if service == "events":
        return resource.startswith("event-bus/") and moto_resources.event_bus_exists(region, owner, resource[10:])
    if service == "s3":
        return not region and not owner and moto_resources.bucket_exists(resource)
    return False
