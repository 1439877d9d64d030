# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Identity-policy evaluation for roles, from the policies moto stores: the emulator's iam:SimulatePrincipalPolicy
and the one home of the rule "may this execution role call this action on this resource" (CONTRACT.md item 62).

Evaluated: the role's inline policies and its attached managed policies; its permissions boundary (an allow
needs the boundary's allow too); Allow and Deny; Action/NotAction and Resource/NotResource with ``*`` and ``?``
wildcards (actions case-insensitive); an explicit Deny wins, and nothing matching is an implicit deny. A statement
with a Condition never matches, since no context values are given, and its condition keys are reported as
MissingContextValues (as AWS's simulator reports keys it lacks). A destination's resource policy allows a role
it names (or everyone) the delivery action for the Put check (CONTRACT.md items 62, 63 and 65). Not evaluated:
SCPs, session policies, KMS key policies.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from urllib.parse import unquote
from xml.sax.saxutils import escape

from moto.iam.models import iam_backends

from .aws_errors import AwsError
from .http_response import Response

ROLE_ARN = re.compile(r"arn:aws[a-zA-Z-]*:iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[^/]+)")


@dataclass(frozen=True)
class Decision:
    """EvalDecision (``allowed``, ``explicitDeny`` or ``implicitDeny``) and the statements that decided it."""

    decision: str
    matched: tuple = ()  # (SourcePolicyId, SourcePolicyType)
    missing_context: tuple = ()  # condition keys of statements that match but need context values

    @property
    def allowed(self) -> bool:
        return self.decision == "allowed"


def moto_role(account: str, name: str):
    """moto's role ``name`` of ``account``, or None."""
    try:
        backend = iam_backends[account]["global"]
    except KeyError:
        return None
    return next((role for role in list(backend.roles.values()) if role.name == name), None)


def role_of(role_arn: str):
    """moto's role for a role ARN, or None."""
    found = ROLE_ARN.fullmatch(role_arn or "")
    return moto_role(found["account"], found["name"]) if found else None


def role_policies(role_arn: str) -> list[tuple[str, str, dict]] | None:
    """(SourcePolicyId, SourcePolicyType, document) of each identity policy of the role; None if there is no role."""
    role = role_of(role_arn)
    if role is None:
        return None
    policies = [(name, "role", document) for name, document in dict(role.policies).items()]
    for policy in list(role.managed_policies.values()):
        kind = "aws-managed" if ":aws:policy/" in policy.arn else "user-managed"
        document = next(version.document for version in policy.versions if version.is_default)
        policies.append((policy.name, kind, document))
    return [(name, kind, parse(document)) for name, kind, document in policies]


def parse(document) -> dict:
    if isinstance(document, dict):
        return document
    text = unquote(document) if document.lstrip().startswith("%") else document
    return json.loads(text)


def evaluate(policies: list[tuple[str, str, dict]], action: str, resource: str) -> Decision:
    allows, denies, keys = [], [], set()
    for policy_id, kind, document in policies:
        for statement in listed(document.get("Statement")):
            if not matches(statement, action, resource):
                continue
            if statement.get("Condition"):
                keys.update(key for operator in statement["Condition"].values() for key in operator)
                continue
            (denies if statement.get("Effect") == "Deny" else allows).append((policy_id, kind))
    if denies:
        return Decision("explicitDeny", tuple(denies))
    if allows:
        return Decision("allowed", tuple(allows))
    return Decision("implicitDeny", missing_context=tuple(sorted(keys)))


def role_boundary(role_arn: str) -> dict | None:
    """The document of the role's permissions boundary (a managed policy), None when it has none."""
    role = role_of(role_arn)
    boundary = getattr(role, "permissions_boundary_arn", None)
    if not boundary:
        return None
    policy = dict(iam_backends[role.account_id]["global"].managed_policies).get(boundary)
    if policy is None:
        return None
    return parse(next(version.document for version in policy.versions if version.is_default))


def decide(role_arn: str, policies: list[tuple[str, str, dict]], action: str, resource: str) -> Decision:
    """The role's identity policies, then its permissions boundary: an allow the boundary does not allow is not."""
    decision = evaluate(policies, action, resource)
    boundary = role_boundary(role_arn)
    if decision.allowed and boundary is not None:
        bounded = evaluate([("PermissionsBoundary", "permissions-boundary", boundary)], action, resource)
        if not bounded.allowed:
            return Decision(bounded.decision, bounded.matched, bounded.missing_context)
    return decision


def role_may(role_arn: str, action: str, resource: str) -> bool:
    """The rule the emulator's Put/Update applies to destinations; a role it cannot find may do nothing."""
    policies = role_policies(role_arn)
    return policies is not None and decide(role_arn, policies, action, resource).allowed


def resource_policy_allows(policy: dict | None, role_arn: str, action: str, resource: str) -> bool:
    """A destination's resource policy allows the role itself (or everyone) ``action`` without a condition, and
    denies it nowhere. A statement for the role's account delegates to its identity policies (item 65)."""
    allowed = False
    for statement in listed((policy or {}).get("Statement")):
        principal = statement.get("Principal")
        names = listed(principal.get("AWS")) if isinstance(principal, dict) else listed(principal)
        if not any(name in ("*", role_arn) for name in names):
            continue
        if statement.get("Condition") or not matches(
            dict(statement, Resource=statement.get("Resource", "*")), action, resource
        ):
            continue
        if statement.get("Effect") == "Deny":
            return False
        allowed = True
    return allowed


def trusts(role, caller_account: str, caller: str, external_id: str | None) -> bool:
    """Whether the role's trust policy lets ``caller`` (a principal ARN of ``caller_account``) assume it: an Allow
    of sts:AssumeRole whose Principal names the caller, its account (id or ``:root``) or everyone, and no such Deny.
    Of conditions the emulator evaluates ``sts:ExternalId`` under StringEquals; under any other condition an Allow
    counts for nothing and a Deny applies (the emulator errs towards refusing: a test then fails rather than lies).
    CONTRACT.md item 69."""
    try:
        document = json.loads(unquote(role.assume_role_policy_document or "{}"))
    except ValueError:
        return False
    names = {"*", caller, caller_account, f"arn:aws:iam::{caller_account}:root"}
    allowed = False
    for statement in listed(document.get("Statement")) if isinstance(document, dict) else []:
        principal = statement.get("Principal")
        named = listed(principal.get("AWS")) if isinstance(principal, dict) else listed(principal)
        actions = listed(statement.get("Action"))
        if not names.intersection(named) or not any(wildcard(a, "sts:AssumeRole", ignore_case=True) for a in actions):
            continue
        holds = _condition_holds(statement.get("Condition"), external_id)
        if statement.get("Effect") == "Deny" and holds is not False:
            return False
        allowed = allowed or (statement.get("Effect") == "Allow" and holds is True)
    return allowed


def _condition_holds(condition, external_id: str | None) -> bool | None:
    """True or False for no condition or sts:ExternalId under StringEquals; None for a condition the emulator does
    not evaluate."""
    if not condition:
        return True
    if list(condition) != ["StringEquals"] or list(condition["StringEquals"]) != ["sts:ExternalId"]:
        return None
    return external_id is not None and external_id in listed(condition["StringEquals"]["sts:ExternalId"])


def matches(statement: dict, action: str, resource: str) -> bool:
    """Whether the statement's actions and resources cover ``action`` on ``resource`` (conditions aside)."""
    if "Action" in statement:
        action_ok = any(wildcard(pattern, action, ignore_case=True) for pattern in listed(statement["Action"]))
    else:
        action_ok = not any(
            wildcard(pattern, action, ignore_case=True) for pattern in listed(statement.get("NotAction"))
        )
    if "Resource" in statement:
        resource_ok = any(wildcard(pattern, resource) for pattern in listed(statement["Resource"]))
    else:
        resource_ok = not any(wildcard(pattern, resource) for pattern in listed(statement.get("NotResource")))
    return action_ok and resource_ok


def wildcard(pattern: str, value: str, ignore_case: bool = False) -> bool:
    """IAM's ``*`` (any run) and ``?`` (one character); nothing else is special."""
    regex = "".join(".*" if char == "*" else "." if char == "?" else re.escape(char) for char in pattern)
    return re.fullmatch(regex, value, re.IGNORECASE | re.DOTALL if ignore_case else re.DOTALL) is not None


def listed(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def simulate_principal_policy(form: dict) -> Response:
    """iam:SimulatePrincipalPolicy (query protocol) for a role: one EvaluationResult per (action, resource).

    Inferred (no recorded AWS answer here): the result order (each action, then each resource), the
    MatchedStatements without positions, no ResourceSpecificResults, never truncated. Only roles are principals.
    """
    source = first(form, "PolicySourceArn")
    policies = role_policies(source)
    if policies is None:
        raise AwsError("NoSuchEntity", f"The role with name {source.rsplit('/', 1)[-1]} cannot be found.", 404)
    actions = members(form, "ActionNames")
    if not actions:
        raise AwsError("InvalidInput", "ActionNames must not be empty.", 400)
    results = []
    for action in actions:
        for resource in members(form, "ResourceArns") or ["*"]:
            decision = decide(source, policies, action, resource)
            missing = "".join(f"<member>{escape(key)}</member>" for key in decision.missing_context)
            statements = "".join(
                f"<member><SourcePolicyId>{escape(policy_id)}</SourcePolicyId>"
                f"<SourcePolicyType>{kind}</SourcePolicyType></member>"
                for policy_id, kind in decision.matched
            )
            results.append(
                f"<member><EvalActionName>{escape(action)}</EvalActionName>"
                f"<EvalResourceName>{escape(resource)}</EvalResourceName>"
                f"<EvalDecision>{decision.decision}</EvalDecision>"
                f"<MatchedStatements>{statements}</MatchedStatements>"
                f"<MissingContextValues>{missing}</MissingContextValues></member>"
            )
    body = (
        '<SimulatePrincipalPolicyResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        f"<SimulatePrincipalPolicyResult><IsTruncated>false</IsTruncated>"
        f"<EvaluationResults>{''.join(results)}</EvaluationResults></SimulatePrincipalPolicyResult>"
        f"<ResponseMetadata><RequestId>{uuid.uuid4()}</RequestId></ResponseMetadata>"
        "</SimulatePrincipalPolicyResponse>"
    )
    return Response.xml(200, body)


def first(form: dict, key: str) -> str:
    return form.get(key, [""])[0]


def members(form: dict, key: str) -> list[str]:
    """A query-protocol list: ``Key.member.1``, ``Key.member.2``, ... in order."""
    numbered = {}
    for name, values in form.items():
        prefix, _dot, index = name.rpartition(".")
        if prefix == f"{key}.member" and index.isdigit():
            numbered[int(index)] = values[0]
    return [numbered[index] for index in sorted(numbered)]
