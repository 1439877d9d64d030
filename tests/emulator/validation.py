# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Model-level request validation (step 1 of CONTRACT.md item 44): patterns, lengths and ranges."""

from __future__ import annotations

import json
import re

from .aws_errors import AwsError
from .aws_errors import validation_error

# The regular expressions as AWS printed them in 2025-11 (CONTRACT.md items 3 and 34).
FUNCTION_NAME_PATTERN = (
    r"(arn:(aws[a-zA-Z-]*)?:lambda:)?((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?"
    r"(function:)?([a-zA-Z0-9-_\.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)
QUALIFIER_PATTERN = r"\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+"
DESTINATION_PATTERN = (
    r"$|kafka://([^.]([a-zA-Z0-9\-_.]{0,248}))|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\-])+:"
    r"((eusc-)?[a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1})?:(\d{12})?:(.*)"
)

RANGES = {
    "MaximumRetryAttempts": ("maximumRetryAttempts", 0, 2),
    "MaximumEventAgeInSeconds": ("maximumEventAgeInSeconds", 60, 21600),
}
SIDES = (("OnSuccess", "onSuccess"), ("OnFailure", "onFailure"))


def parse_body(raw: bytes) -> dict:
    """The JSON request body; bad JSON or wrong member types -> InvalidRequestContentException.

    Inferred: AWS's wording for these deserialization failures is not recorded.
    """
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as error:
        raise bad_content(f"Could not parse request body into json: {error}") from None
    if not isinstance(body, dict):
        raise bad_content("Could not parse request body into json: expected an object")
    check_member_types(body)
    return body


def check_member_types(body: dict) -> None:
    for key in RANGES:
        if key in body and body[key] is not None and not is_integer(body[key]):
            raise bad_content(f"Could not parse request body into json: {key} must be an integer")
    config = body.get("DestinationConfig")
    if config is None:
        return
    if not isinstance(config, dict):
        raise bad_content("Could not parse request body into json: DestinationConfig must be an object")
    for side, _path in SIDES:
        target = config.get(side)
        if target is not None and not isinstance(target, dict):
            raise bad_content(f"Could not parse request body into json: DestinationConfig.{side} must be an object")
        destination = (target or {}).get("Destination")
        if destination is not None and not isinstance(destination, str):
            raise bad_content(f"Could not parse request body into json: {side}.Destination must be a string")


def bad_content(message: str) -> AwsError:
    return AwsError("InvalidRequestContentException", message, 400)


def is_integer(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_request(function_name: str, qualifier: str | None, body: dict, max_items: str | None) -> None:
    """Raise one ValidationException listing every violation, as AWS does ("2 validation errors detected: ...")."""
    violations = function_name_violations(function_name)
    if qualifier is not None:
        violations += string_violations(qualifier, "qualifier", 1, 128, QUALIFIER_PATTERN)
    for key, (path, low, high) in RANGES.items():
        if body.get(key) is not None:
            violations += range_violations(body[key], path, low, high)
    for side, path in SIDES:
        destination = ((body.get("DestinationConfig") or {}).get(side) or {}).get("Destination")
        if destination is not None:
            violations += string_violations(
                destination, f"destinationConfig.{path}.destination", 0, 350, DESTINATION_PATTERN
            )
    if max_items is not None:
        violations += max_items_violations(max_items)
    if violations:
        raise validation_error(violations)


def function_name_violations(function_name: str) -> list[str]:
    return string_violations(function_name, "functionName", 1, 256, FUNCTION_NAME_PATTERN)


def string_violations(value: str, path: str, min_length: int, max_length: int, pattern: str) -> list[str]:
    found = []
    if len(value) < min_length:
        found.append(violation(value, path, f"Member must have length greater than or equal to {min_length}"))
    if len(value) > max_length:
        found.append(violation(value, path, f"Member must have length less than or equal to {max_length}"))
    if not re.fullmatch(pattern, value):
        found.append(violation(value, path, f"Member must satisfy regular expression pattern: {pattern}"))
    return found


def range_violations(value: int, path: str, low: int, high: int) -> list[str]:
    if value < low:
        return [violation(value, path, f"Member must have value greater than or equal to {low}")]
    if value > high:
        return [violation(value, path, f"Member must have value less than or equal to {high}")]
    return []


def max_items_violations(raw: str) -> list[str]:
    try:
        value = int(raw)
    except ValueError:
        # Inferred: the wording for a non-numeric MaxItems is not recorded.
        return [violation(raw, "maxItems", "Member must be an integer")]
    return range_violations(value, "maxItems", 1, 50)


def violation(value, path: str, constraint: str) -> str:
    return f"Value '{value}' at '{path}' failed to satisfy constraint: {constraint}"
