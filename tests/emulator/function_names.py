# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lambda FunctionName forms: bare name, ``name:qualifier``, partial ARN and full ARN (with or without qualifier)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from moto.utilities.utils import get_partition

ACCOUNT_ID = "123456789012"
LATEST = "$LATEST"

# The model's NamespacedFunctionName pattern, with named groups to take it apart.
FUNCTION_NAME = re.compile(
    r"(?:arn:(?P<partition>aws[a-zA-Z-]*)?:lambda:)?"
    r"(?:(?P<region>(?:eusc-)?[a-z]{2}(?:(?:-gov)|(?:-iso(?:[a-z]?)))?-[a-z]+-\d{1}):)?"
    r"(?:(?P<account>\d{12}):)?"
    r"(?:function:)?"
    r"(?P<name>[a-zA-Z0-9-_\.]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?"
)


@dataclass(frozen=True)
class FunctionRef:
    """A parsed FunctionName; ``region``/``account``/``qualifier`` are None when the name does not carry them."""

    name: str
    qualifier: str | None = None
    region: str | None = None
    account: str | None = None


def parse_function_name(function_name: str) -> FunctionRef | None:
    """The parts of ``function_name``, or None when it does not fit the model's pattern."""
    found = FUNCTION_NAME.fullmatch(function_name)
    if not found:
        return None
    return FunctionRef(found["name"], found["qualifier"], found["region"], found["account"])


def function_arn(region: str, name: str, account: str = ACCOUNT_ID) -> str:
    return f"arn:{get_partition(region)}:lambda:{region}:{account}:function:{name}"


def qualified_arn(region: str, name: str, qualifier: str, account: str = ACCOUNT_ID) -> str:
    return f"{function_arn(region, name, account)}:{qualifier}"


def qualifier_sort_key(qualifier: str) -> tuple:
    """``$LATEST`` first, then versions by number, then aliases by name (AWS's order is not recorded)."""
    if qualifier == LATEST:
        return (0, 0, "")
    if qualifier.isdigit():
        return (1, int(qualifier), "")
    return (2, 0, qualifier)
