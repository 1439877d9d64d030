# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Parsing of Lambda function names, ARNs and qualifiers, as the Lambda API accepts them.

A config is keyed on (function, qualifier). The function may be given as a bare name, a partial ARN
(``123456789012:function:name``) or a full ARN, each optionally ending in ``:qualifier``; the
qualifier may also come from the ``qualifier`` option. No qualifier means ``$LATEST``.
"""

import re
from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError

LATEST = "$LATEST"

_NAME = r"(?P<name>[a-zA-Z0-9_-]{1,64})"
_QUALIFIER_SUFFIX = r"(?::(?P<qualifier>[^:]*))?"
_REGION = r"(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d)"
_PARTITION = r"(?P<partition>aws[a-zA-Z-]*)"

FULL_ARN_RE = re.compile(
    r"^arn:"
    + _PARTITION
    + r":lambda:"
    + _REGION
    + r":(?P<account>\d{12}):function:"
    + _NAME
    + _QUALIFIER_SUFFIX
    + r"\Z"
)
PARTIAL_ARN_RE = re.compile(r"^(?P<account>\d{12}):function:" + _NAME + _QUALIFIER_SUFFIX + r"\Z")
SHORT_NAME_RE = re.compile(r"^" + _NAME + _QUALIFIER_SUFFIX + r"\Z")

VERSION_RE = re.compile(r"^[0-9]{1,128}\Z")
ALIAS_RE = re.compile(r"^[a-zA-Z0-9_-]{1,128}\Z")

FUNCTION_NAME_FORMS = (
    "a function name (my-function), a partial ARN (123456789012:function:my-function) or a full ARN "
    "(arn:aws:lambda:us-east-1:123456789012:function:my-function), optionally ending in :QUALIFIER"
)
QUALIFIER_FORMS = "$LATEST, a version number such as 3, or an alias name such as prod"


class FunctionTarget(namedtuple("FunctionTarget", "name partition region account qualifier given_name")):
    """A function and the qualifier whose config is managed.

    ``given_name`` is what the user wrote without its qualifier suffix (name, partial or full ARN), so
    API calls address the function exactly as the user did. ``qualifier`` is None for the
    unqualified function, which AWS treats as ``$LATEST``.
    """

    __slots__ = ()

    @property
    def key_qualifier(self):
        """The qualifier this config is stored under: unqualified and $LATEST are the same config."""
        return self.qualifier or LATEST

    def api_params(self):
        """FunctionName/Qualifier parameters for the five event invoke config operations."""
        params = {"FunctionName": self.given_name}
        if self.qualifier:
            params["Qualifier"] = self.qualifier
        return params

    def describe(self):
        """Human-readable name used in every message: function and qualifier."""
        return f"function {self.name} (qualifier {self.key_qualifier})"

    def with_identity_of(self, function_arn):
        """This target with the partition, region and account of ``function_arn``, an ARN AWS returned for it."""
        match = FULL_ARN_RE.match(function_arn)
        return self._replace(
            partition=match.group("partition"), region=match.group("region"), account=match.group("account")
        )


def _is_qualifier(qualifier):
    return qualifier == LATEST or bool(VERSION_RE.match(qualifier) or ALIAS_RE.match(qualifier))


def validate_qualifier(qualifier, option="qualifier"):
    """Raise InvalidOptionError unless ``qualifier`` is $LATEST, a version number or an alias name."""
    if _is_qualifier(qualifier):
        return qualifier
    raise InvalidOptionError(f"{option}={qualifier!r} is not a valid qualifier: use {QUALIFIER_FORMS}.", option=option)


def _match_function_name(function_name):
    for pattern in (FULL_ARN_RE, PARTIAL_ARN_RE, SHORT_NAME_RE):
        match = pattern.match(function_name)
        if match:
            return match
    raise InvalidOptionError(
        f"function_name={function_name!r} is not a Lambda function name or ARN: use {FUNCTION_NAME_FORMS}.",
        option="function_name",
    )


def parse_function_name(function_name, qualifier=None, region=None):
    """Parse ``function_name`` and the ``qualifier`` option into a FunctionTarget.

    Fails (InvalidOptionError) on syntax errors, on a qualifier embedded in ``function_name`` that
    differs from the ``qualifier`` option, and on a full ARN whose region is not ``region`` (the
    connection's region), since AWS would refuse it from that region.
    """
    if not function_name:
        raise InvalidOptionError(f"function_name must not be empty: use {FUNCTION_NAME_FORMS}.", option="function_name")
    match = _match_function_name(function_name)
    groups = match.groupdict()
    embedded = groups.get("qualifier")
    if embedded is not None and not _is_qualifier(embedded):
        raise InvalidOptionError(
            f"function_name={function_name!r} ends in {embedded!r}, which is not a valid qualifier: use {QUALIFIER_FORMS}.",
            option="function_name",
        )
    if qualifier is not None:
        validate_qualifier(qualifier)
    if embedded is not None and qualifier is not None and embedded != qualifier:
        raise InvalidOptionError(
            f"function_name={function_name!r} ends in qualifier {embedded!r} but qualifier={qualifier!r} was also given; they must be equal. "
            "Give the qualifier in one place only.",
            option="qualifier",
        )
    arn_region = groups.get("region")
    if arn_region and region and arn_region != region:
        raise InvalidOptionError(
            f"function_name={function_name!r} is in region {arn_region} but the connection uses region {region}; AWS only reaches a function "
            f"from its own region. Set region: {arn_region} (or use the function name instead of the ARN).",
            option="function_name",
        )
    given_name = function_name if embedded is None else function_name[: -(len(embedded) + 1)]
    return FunctionTarget(
        name=groups["name"],
        partition=groups.get("partition"),
        region=arn_region,
        account=groups.get("account"),
        qualifier=embedded if embedded is not None else qualifier,
        given_name=given_name,
    )


def qualifier_from_arn(function_arn):
    """The qualifier of a (qualified) FunctionArn from a response; $LATEST when there is none."""
    match = FULL_ARN_RE.match(function_arn or "")
    if not match or match.group("qualifier") is None:
        return LATEST
    return match.group("qualifier")


def unqualified_arn(function_arn):
    """The function ARN without its qualifier suffix."""
    match = FULL_ARN_RE.match(function_arn or "")
    if not match or match.group("qualifier") is None:
        return function_arn
    return function_arn[: -(len(match.group("qualifier")) + 1)]


def qualifier_sort_key(qualifier):
    """$LATEST first, then versions in numeric order, then aliases by name."""
    if qualifier == LATEST:
        return (0, 0, "")
    if VERSION_RE.match(qualifier):
        return (1, int(qualifier), "")
    return (2, 0, qualifier)
