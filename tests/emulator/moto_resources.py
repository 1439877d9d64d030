# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only look-ups into moto's in-process backends (functions, versions, aliases and destination targets)."""

from __future__ import annotations

import json

from moto.awslambda.models import lambda_backends
from moto.events.models import events_backends
from moto.s3.models import s3_backends
from moto.sns.models import sns_backends
from moto.sqs.models import sqs_backends

from .function_names import ACCOUNT_ID
from .function_names import LATEST
from .function_names import function_arn


def backend(backends, region: str, account: str = ACCOUNT_ID):
    """moto's backend for ``account``/``region``, or None for a region moto does not know."""
    try:
        return backends[account][region]
    except KeyError:
        return None


def lambda_storage(region: str, account: str = ACCOUNT_ID):
    found = backend(lambda_backends, region, account)
    return found._lambdas if found is not None else None


def function_qualifiers(region: str, name: str, account: str = ACCOUNT_ID) -> set[str] | None:
    """Every qualifier of the function that exists (``$LATEST``, versions, aliases); None if there is no function."""
    storage = lambda_storage(region, account)
    if storage is None:
        return None
    # moto keeps its functions in plain dicts; copy before iterating, other threads may be changing them.
    group = dict(storage._functions).get(name)
    if group is None:
        return None
    qualifiers = {str(version.version) for version in list(group["versions"])}
    if group["latest"] is not None:
        qualifiers.add(LATEST)
    # _aliases is a defaultdict: .get() so that looking does not create an entry.
    qualifiers.update(dict(storage._aliases.get(function_arn(region, name, account), {})))
    return qualifiers


def function_exists(region: str, name: str, qualifier: str | None = None, account: str = ACCOUNT_ID) -> bool:
    qualifiers = function_qualifiers(region, name, account)
    if qualifiers is None:
        return False
    return qualifier is None or qualifier in qualifiers


def queue_exists(region: str, account: str, name: str) -> bool:
    found = backend(sqs_backends, region, account)
    return found is not None and name in found.queues


def topic_exists(region: str, account: str, arn: str) -> bool:
    found = backend(sns_backends, region, account)
    return found is not None and arn in found.topics


def event_bus_exists(region: str, account: str, name: str) -> bool:
    found = backend(events_backends, region, account)
    return found is not None and name in found.event_buses


def bucket_exists(name: str) -> bool:
    found = backend(s3_backends, "aws")
    return found is not None and name in found.buckets


def function_role(region: str, name: str, qualifier: str, account: str = ACCOUNT_ID) -> str | None:
    """The execution role of the function at ``qualifier`` (a version keeps the role it was published with)."""
    storage = lambda_storage(region, account)
    try:
        return storage.get_function_by_name_with_qualifier(name, qualifier).role
    except Exception:  # noqa: BLE001 - moto raises its own not-found types; callers checked existence already
        return None


def _document(text) -> dict | None:
    if not text:
        return None
    try:
        document = json.loads(text.decode() if isinstance(text, bytes) else text)
    except (ValueError, UnicodeDecodeError):
        return None
    return document if isinstance(document, dict) else None


def _policy_text(service: str, region: str, account: str, resource: str, arn: str):
    """The policy text (or bytes) moto keeps for the destination; None when it has none or there is no such one."""
    if service == "lambda":
        try:  # moto answers GetPolicy's wire body, {"Policy": "<document>", "RevisionId": ...}
            return json.loads(backend(lambda_backends, region, account).get_policy(arn))["Policy"]
        except Exception:  # noqa: BLE001 - moto raises its own types for a function without a policy
            return None
    if service == "s3":
        found, key, field = backend(s3_backends, "aws"), resource, "buckets"
    elif service == "sqs":
        found, key, field = backend(sqs_backends, region, account), resource, "queues"
    elif service == "sns":
        found, key, field = backend(sns_backends, region, account), arn, "topics"
    else:
        found, key, field = backend(events_backends, region, account), resource[len("event-bus/") :], "event_buses"
    holder = dict(getattr(found, field)).get(key) if found is not None else None
    return holder.policy if holder is not None else None


def resource_policy(service: str, region: str, account: str, resource: str, arn: str) -> dict | None:
    """The resource policy of a destination as moto keeps it (queue and topic Policy attributes, the function's
    policy, the bus policy, the bucket policy); None when it has none (CONTRACT.md item 65)."""
    return _document(_policy_text(service, region, account, resource, arn))
