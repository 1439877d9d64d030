# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Answers AWS gives that moto does not: reads of another account's destinations, IAM's policy quotas, and
AssumeRole of a role that does not exist or does not trust the caller.

Each returns the AwsError AWS would answer, or None to let the call through to moto (CONTRACT.md items 66-69).
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs
from urllib.parse import unquote

from . import iam_policies
from .accounts import caller_arn
from .aws_errors import AwsError
from .operation_names import RequestInfo
from .operation_names import read_body

ARN_ACCOUNT = re.compile(r"^arn:[^:]+:[^:]+:[^:]*:(?P<account>\d{12}):")
INLINE_POLICY_QUOTA = 10240  # characters of all inline policies of one role, whitespace not counted
MANAGED_POLICY_QUOTA = 6144  # characters of one managed policy version, whitespace not counted
MANAGED_POLICIES_PER_ROLE = 10  # IAM's default quota of managed policies attached to one role


def _form(environ: dict, info: RequestInfo) -> dict:
    body = read_body(environ).decode("utf-8", "replace")
    if info.protocol == "query":
        form = {key: values[0] for key, values in parse_qs(body).items()}
    else:
        try:
            form = json.loads(body or "{}")
        except ValueError:
            form = {}
    form.update({key: values[0] for key, values in info.query.items()})
    return form if isinstance(form, dict) else {}


def _other_account(arn, info: RequestInfo) -> bool:
    found = ARN_ACCOUNT.match(unquote(arn or ""))
    return found is not None and found["account"] != info.account


def _not_authorized(code: str, action: str, arn: str, status: int, info: RequestInfo) -> AwsError:
    caller = f"arn:aws:iam::{info.account}:user/emulator"
    return AwsError(code, f"User: {caller} is not authorized to perform: {action} on resource: {arn}", status)


def another_account_read(info: RequestInfo, environ: dict) -> AwsError | None:
    """A read of a destination in another account, whose policy the emulator does not model: what AWS answers a
    caller without access (inferred from AWS's documented errors; SQS recorded in its wording)."""
    if info.service == "sqs" and info.operation == "GetQueueUrl":
        owner = _form(environ, info).get("QueueOwnerAWSAccountId")
        if owner and owner != info.account:
            return AwsError(
                "AWS.SimpleQueueService.NonExistentQueue",
                "The specified queue does not exist or you do not have access to it.",
                400,
            )
    elif info.service == "sns" and info.operation == "GetTopicAttributes":
        arn = _form(environ, info).get("TopicArn")
        if _other_account(arn, info):
            return _not_authorized("AuthorizationError", "SNS:GetTopicAttributes", arn, 403, info)
    elif info.service == "lambda" and info.operation in ("GetFunction", "GetPolicy"):
        arn = unquote(info.labels.get("FunctionName") or "")
        if _other_account(arn, info):
            return _not_authorized("AccessDeniedException", f"lambda:{info.operation}", arn, 403, info)
    elif info.service == "events" and info.operation == "DescribeEventBus":
        arn = _form(environ, info).get("Name")
        if _other_account(arn, info):
            return _not_authorized("AccessDeniedException", "events:DescribeEventBus", arn, 400, info)
    return None


def _size(document: str) -> int:
    return len(re.sub(r"\s", "", unquote(document) if document.lstrip().startswith("%") else document))


def inline_policy_quota(info: RequestInfo, environ: dict) -> AwsError | None:
    """iam:PutRolePolicy past the role's 10,240 characters of inline policy in all (the new document replacing the
    one of the same name): LimitExceeded, as IAM answers it."""
    if info.service != "iam" or info.operation != "PutRolePolicy":
        return None
    form = _form(environ, info)
    role_name, name, document = form.get("RoleName"), form.get("PolicyName"), form.get("PolicyDocument", "")
    role = iam_policies.moto_role(info.account, role_name)
    if role is None:
        return None
    others = {key: value for key, value in dict(role.policies).items() if key != name}
    total = _size(document) + sum(
        _size(value if isinstance(value, str) else json.dumps(value)) for value in others.values()
    )
    if total > INLINE_POLICY_QUOTA:
        return AwsError(
            "LimitExceeded", f"Maximum policy size of {INLINE_POLICY_QUOTA} bytes exceeded for role {role_name}", 409
        )
    return None


def managed_policy_quotas(info: RequestInfo, environ: dict) -> AwsError | None:
    """CreatePolicy or CreatePolicyVersion past 6,144 characters, AttachRolePolicy of an 11th managed policy:
    LimitExceeded, as IAM answers them."""
    if info.service != "iam":
        return None
    form = _form(environ, info)
    if info.operation in ("CreatePolicy", "CreatePolicyVersion"):
        if _size(form.get("PolicyDocument", "")) > MANAGED_POLICY_QUOTA:
            return AwsError("LimitExceeded", f"Cannot exceed quota for PolicySize: {MANAGED_POLICY_QUOTA}", 409)
    elif info.operation == "AttachRolePolicy":
        role = iam_policies.moto_role(info.account, form.get("RoleName"))
        attached = dict(role.managed_policies) if role is not None else {}
        if form.get("PolicyArn") not in attached and len(attached) >= MANAGED_POLICIES_PER_ROLE:
            return AwsError(
                "LimitExceeded", f"Cannot exceed quota for PoliciesPerRole: {MANAGED_POLICIES_PER_ROLE}", 409
            )
    return None


def untrusted_assume_role(info: RequestInfo, environ: dict) -> AwsError | None:
    """sts:AssumeRole of a role that does not exist in its account, or whose trust policy does not trust the caller:
    AccessDenied, as AWS answers both. moto would issue credentials for any role ARN."""
    if info.service != "sts" or info.operation != "AssumeRole":
        return None
    form = _form(environ, info)
    arn = form.get("RoleArn") or ""
    if not iam_policies.ROLE_ARN.fullmatch(arn):
        return None
    role = iam_policies.role_of(arn)
    caller = caller_arn(info.headers, info.account)
    if role is None or not iam_policies.trusts(role, info.account, caller, form.get("ExternalId")):
        return _not_authorized("AccessDenied", "sts:AssumeRole", arn, 403, info)
    return None


def refusal(info: RequestInfo, environ: dict) -> AwsError | None:
    """The error AWS gives this call where moto would answer otherwise; None to let moto answer."""
    return (
        untrusted_assume_role(info, environ)
        or another_account_read(info, environ)
        or inline_policy_quota(info, environ)
        or managed_policy_quotas(info, environ)
    )
