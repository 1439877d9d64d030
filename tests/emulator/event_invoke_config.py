# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The five Lambda event invoke config operations, as CONTRACT.md (in this directory) says AWS does.

Checks run in CONTRACT.md's order (item 44): model validation, the "at least one setting" check, the ARN
region, the qualifier mismatch, existence of the function and qualifier, destinations, and for Update the config.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from . import destinations
from . import moto_resources
from . import validation
from .aws_errors import AwsError
from .aws_errors import invalid_parameter
from .aws_errors import render_error
from .aws_errors import resource_not_found
from .config_store import ConfigStore
from .function_names import LATEST
from .function_names import function_arn
from .function_names import parse_function_name
from .function_names import qualified_arn
from .function_names import qualifier_sort_key
from .http_response import Response
from .operation_names import DEFAULT_ACCOUNT

OPERATIONS = {
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "GetFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
    "ListFunctionEventInvokeConfigs",
}
SETTINGS = ("MaximumRetryAttempts", "MaximumEventAgeInSeconds", "DestinationConfig")
DEFAULT_MAX_ITEMS = 50
FUNCTION_MISSING = "The function doesn't exist."


@dataclass
class Call:
    """One request to one of the five operations."""

    operation: str
    region: str
    function_name: str
    account: str = DEFAULT_ACCOUNT
    qualifier: str | None = None
    body: bytes = b""
    marker: str | None = None
    max_items: str | None = None


@dataclass(frozen=True)
class Target:
    """The (function, qualifier) a call addresses, after the region and qualifier checks.

    ``visible`` is False for a function of another account than the caller's: it does not exist for the caller
    (inferred, item 57: AWS may say AccessDenied).
    """

    name: str
    qualifier: str
    region: str
    account: str
    visible: bool = True

    @property
    def arn(self) -> str:
        return qualified_arn(self.region, self.name, self.qualifier, self.account)

    def exists(self) -> bool:
        """Inferred: ``$LATEST.PUBLISHED`` (allowed by the pattern) never exists."""
        return self.visible and moto_resources.function_exists(self.region, self.name, self.qualifier, self.account)

    @property
    def key(self) -> tuple[str, str, str]:
        """Where the store keeps this function's configs."""
        return self.account, self.region, self.name

    def no_config_error(self) -> AwsError:
        return resource_not_found(f"The function {self.arn} doesn't have an EventInvokeConfig")


class EventInvokeConfigService:
    """Answers the five operations from a ConfigStore, looking functions up in moto."""

    def __init__(self, store: ConfigStore, lambda_model, clock=time.time):
        self.store = store
        self.lambda_model = lambda_model
        self.clock = clock

    def handle(self, call: Call) -> Response:
        handlers = {
            "PutFunctionEventInvokeConfig": self.put,
            "UpdateFunctionEventInvokeConfig": self.update,
            "GetFunctionEventInvokeConfig": self.get,
            "DeleteFunctionEventInvokeConfig": self.delete,
            "ListFunctionEventInvokeConfigs": self.list,
        }
        try:
            with self.store.lock:
                return handlers[call.operation](call)
        except AwsError as error:
            return render_error(error, "rest-json", self.lambda_model)

    def put(self, call: Call) -> Response:
        body, target = self.checked_write(call)
        config = {key: body[key] for key in SETTINGS[:2] if body.get(key) is not None}
        config["DestinationConfig"] = destinations.normalize(body.get("DestinationConfig"))
        config["LastModified"] = self.now()
        self.store.put(target.key, target.qualifier, config)
        return ok(render_config(target, config))

    def update(self, call: Call) -> Response:
        # Inferred (CONTRACT.md items 48 and 49): Update without settings fails like Put does, and destinations are
        # checked before the config's existence.
        body, target = self.checked_write(call)
        config = self.store.get(target.key, target.qualifier)
        if config is None:
            raise target.no_config_error()
        config.update({key: body[key] for key in SETTINGS[:2] if body.get(key) is not None})
        if body.get("DestinationConfig") is not None:
            # Inferred (item 49): a DestinationConfig in Update replaces the whole object, as LocalStack does.
            config["DestinationConfig"] = destinations.normalize(body["DestinationConfig"])
        config["LastModified"] = self.now()
        self.store.put(target.key, target.qualifier, config)
        return ok(render_config(target, config))

    def get(self, call: Call) -> Response:
        target, config = self.existing_config(call)
        return ok(render_config(target, config))

    def delete(self, call: Call) -> Response:
        target = self.existing_config(call)[0]
        self.store.delete(target.key, target.qualifier)
        return Response.empty(204)

    def list(self, call: Call) -> Response:
        validation.check_request(call.function_name, None, {}, call.max_items)
        # Inferred (item 50): a qualifier inside FunctionName is ignored; List covers every qualifier.
        target = self.target(call, qualifier_allowed=False)
        if not target.exists():
            raise resource_not_found(FUNCTION_MISSING)
        configs = sorted(self.store.of_function(target.key).items(), key=lambda i: qualifier_sort_key(i[0]))
        start = marker_position(call.marker, configs, target)
        size = int(call.max_items) if call.max_items is not None else DEFAULT_MAX_ITEMS
        page = configs[start : start + size]
        result = {"FunctionEventInvokeConfigs": [render_config(at(target, q), config) for q, config in page]}
        if start + size < len(configs):
            result["NextMarker"] = at(target, configs[start + size][0]).arn
        return ok(result)

    def checked_write(self, call: Call) -> tuple[dict, Target]:
        """Put and Update: steps 1-6 of section J; the body and the (existing) target."""
        body = validated_body(call)
        target = self.target(call)
        if not target.exists():
            raise resource_not_found(FUNCTION_MISSING)
        role = moto_resources.function_role(target.region, target.name, target.qualifier, target.account)
        destinations.check(body.get("DestinationConfig"), target.name, target.region, target.account, role)
        return body, target

    def existing_config(self, call: Call):
        """Get and Delete: any miss, of function, qualifier or config, is "doesn't have an EventInvokeConfig"."""
        validation.check_request(call.function_name, call.qualifier, {}, None)
        target = self.target(call)
        config = self.store.get(target.key, target.qualifier) if target.exists() else None
        if config is None:
            raise target.no_config_error()
        return target, config

    def target(self, call: Call, qualifier_allowed: bool = True) -> Target:
        """Region check, qualifier-mismatch check, then the (function, qualifier) addressed."""
        ref = parse_function_name(call.function_name)
        if ref.region and ref.region != call.region:
            raise resource_not_found(
                f"Functions from '{ref.region}' are not reachable in this region ('{call.region}')"
            )
        if qualifier_allowed and ref.qualifier and call.qualifier is not None and ref.qualifier != call.qualifier:
            raise invalid_parameter(
                "The derived qualifier from the function name does not match the specified qualifier."
            )
        qualifier = (call.qualifier or ref.qualifier or LATEST) if qualifier_allowed else LATEST
        account = ref.account or call.account
        target = Target(ref.name, qualifier, call.region, account, visible=account == call.account)
        self.forget_deleted(target)
        return target

    def forget_deleted(self, target: Target) -> None:
        """Lazy clean-up: drop configs of qualifiers (or a whole function) that moto no longer has.

        AWS deletes a function's configs with it. DeleteFunction/DeleteAlias are also intercepted (see
        ``forget``); this catches deletions that bypass those calls, e.g. through CloudFormation.
        """
        if target.visible:
            qualifiers = moto_resources.function_qualifiers(target.region, target.name, target.account)
            self.store.keep_only(target.key, qualifiers)

    def forget(self, account: str, region: str, function_name: str, qualifier: str | None = None) -> None:
        """Called after moto deleted a function (qualifier None), a version or an alias."""
        ref = parse_function_name(function_name)
        if ref is None:
            return
        qualifier = qualifier or ref.qualifier
        key = (ref.account or account, region, ref.name)
        if qualifier is None:
            self.store.forget_function(key)
        else:
            self.store.delete(key, qualifier)

    def now(self) -> float:
        """Inferred: every successful Put and Update sets LastModified (the snapshots mask it)."""
        return round(self.clock(), 3)


def validated_body(call: Call) -> dict:
    body = validation.parse_body(call.body)
    validation.check_request(call.function_name, call.qualifier, body, None)
    if all(body.get(key) is None for key in SETTINGS):
        raise invalid_parameter("You must specify at least one of error handling or destination setting.")
    return body


def marker_position(marker: str | None, configs: list, target: Target) -> int:
    """Index where a page starts. The marker is the FunctionArn of the page's first item (as LocalStack does).

    Inferred (item 50): a marker for an item deleted since continues with the next one in order; a marker that is
    not a FunctionArn of this function is refused.
    """
    if not marker:
        return 0
    prefix = function_arn(target.region, target.name, target.account) + ":"
    if not marker.startswith(prefix):
        raise invalid_parameter(f"Invalid marker: {marker}")
    key = qualifier_sort_key(marker[len(prefix) :])
    keys = [qualifier_sort_key(qualifier) for qualifier, _config in configs]
    return next((index for index, item_key in enumerate(keys) if item_key >= key), len(configs))


def at(target: Target, qualifier: str) -> Target:
    return Target(target.name, qualifier, target.region, target.account, target.visible)


def render_config(target: Target, config: dict) -> dict:
    """The FunctionEventInvokeConfig shape: unset integers absent, DestinationConfig always with both sides."""
    rendered = {"LastModified": config["LastModified"], "FunctionArn": target.arn}
    for key in SETTINGS[:2]:
        if key in config:
            rendered[key] = config[key]
    rendered["DestinationConfig"] = config["DestinationConfig"]
    return rendered


def ok(payload: dict) -> Response:
    return Response.json(200, payload)
