# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

import itertools

import pytest

from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import LATEST
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import FunctionTarget
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import unqualified_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import validate_qualifier

ACCOUNT = "123456789012"
NAME_64 = "f" * 64

# (partition, region) pairs of the ARN forms AWS uses, one per partition family.
PARTITION_REGIONS = [
    ("aws", "us-east-1"),
    ("aws", "eu-central-2"),
    ("aws", "ap-southeast-4"),
    ("aws-cn", "cn-north-1"),
    ("aws-cn", "cn-northwest-1"),
    ("aws-us-gov", "us-gov-west-1"),
    ("aws-us-gov", "us-gov-east-1"),
    ("aws-iso", "us-iso-east-1"),
    ("aws-iso-b", "us-isob-east-1"),
    ("aws-eusc", "eusc-de-east-1"),
]
QUALIFIER_SUFFIXES = [None, "$LATEST", "1", "42", "prod", "blue_green-2"]


def _with_suffix(text, qualifier):
    return text if qualifier is None else f"{text}:{qualifier}"


# --- accepted forms ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, expected",
    [
        ("my-function", FunctionTarget("my-function", None, None, None, None, "my-function")),
        ("my_function_2", FunctionTarget("my_function_2", None, None, None, None, "my_function_2")),
        ("MyFunction", FunctionTarget("MyFunction", None, None, None, None, "MyFunction")),
        ("f", FunctionTarget("f", None, None, None, None, "f")),
        ("123", FunctionTarget("123", None, None, None, None, "123")),
        (NAME_64, FunctionTarget(NAME_64, None, None, None, None, NAME_64)),
        ("my-function:$LATEST", FunctionTarget("my-function", None, None, None, "$LATEST", "my-function")),
        ("my-function:1", FunctionTarget("my-function", None, None, None, "1", "my-function")),
        ("my-function:prod", FunctionTarget("my-function", None, None, None, "prod", "my-function")),
        (f"{NAME_64}:{'a' * 128}", FunctionTarget(NAME_64, None, None, None, "a" * 128, NAME_64)),
        (
            f"{ACCOUNT}:function:my-function",
            FunctionTarget("my-function", None, None, ACCOUNT, None, f"{ACCOUNT}:function:my-function"),
        ),
        (
            f"{ACCOUNT}:function:my-function:$LATEST",
            FunctionTarget("my-function", None, None, ACCOUNT, "$LATEST", f"{ACCOUNT}:function:my-function"),
        ),
        (
            f"{ACCOUNT}:function:my-function:7",
            FunctionTarget("my-function", None, None, ACCOUNT, "7", f"{ACCOUNT}:function:my-function"),
        ),
        (
            f"{ACCOUNT}:function:my-function:live",
            FunctionTarget("my-function", None, None, ACCOUNT, "live", f"{ACCOUNT}:function:my-function"),
        ),
    ],
)
def test_parse_name_and_partial_arn(function_name, expected):
    assert parse_function_name(function_name) == expected


@pytest.mark.parametrize(
    "partition, region, qualifier",
    [
        (partition, region, qualifier)
        for (partition, region), qualifier in itertools.product(PARTITION_REGIONS, QUALIFIER_SUFFIXES)
    ],
)
@pytest.mark.parametrize("connection_region", ["same", None])
def test_parse_full_arn(partition, region, qualifier, connection_region):
    unqualified = f"arn:{partition}:lambda:{region}:{ACCOUNT}:function:my-function"
    target = parse_function_name(
        _with_suffix(unqualified, qualifier), region=region if connection_region == "same" else None
    )
    assert target == FunctionTarget("my-function", partition, region, ACCOUNT, qualifier, unqualified)


def test_parse_full_arn_with_longest_name():
    arn = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{NAME_64}:prod"
    target = parse_function_name(arn)
    assert (target.name, target.qualifier, target.given_name) == (NAME_64, "prod", arn[: -len(":prod")])


# --- embedded and explicit qualifier ------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, qualifier, expected_given_name",
    [
        ("my-function:prod", "prod", "my-function"),
        ("my-function:$LATEST", "$LATEST", "my-function"),
        ("my-function:5", "5", "my-function"),
        (f"{ACCOUNT}:function:my-function:5", "5", f"{ACCOUNT}:function:my-function"),
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:prod",
            "prod",
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function",
        ),
    ],
)
def test_embedded_qualifier_equal_to_explicit_one(function_name, qualifier, expected_given_name):
    target = parse_function_name(function_name, qualifier)
    assert target.qualifier == qualifier
    assert target.given_name == expected_given_name
    assert target.api_params() == {"FunctionName": expected_given_name, "Qualifier": qualifier}


@pytest.mark.parametrize(
    "function_name, embedded, qualifier",
    [
        ("my-function:1", "1", "$LATEST"),
        ("my-function:$LATEST", "$LATEST", "1"),
        ("my-function:1", "1", "prod"),
        ("my-function:prod", "prod", "proddoesnotexist"),
        ("my-function:prod", "prod", "Prod"),
        (f"{ACCOUNT}:function:my-function:2", "2", "3"),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:prod", "prod", "proddoesnotexist"),
    ],
)
def test_embedded_qualifier_conflicting_with_explicit_one(function_name, embedded, qualifier):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name(function_name, qualifier)
    assert raised.value.option == "qualifier"
    assert str(raised.value) == (
        f"function_name={function_name!r} ends in qualifier {embedded!r} but qualifier={qualifier!r} was also given; "
        "they must be equal. Give the qualifier in one place only."
    )


# --- region ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, arn_region, connection_region",
    [
        (f"arn:aws:lambda:us-west-2:{ACCOUNT}:function:my-function", "us-west-2", "us-east-1"),
        (f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:my-function:prod", "eu-west-1", "eu-west-2"),
        (f"arn:aws-us-gov:lambda:us-gov-west-1:{ACCOUNT}:function:my-function", "us-gov-west-1", "us-gov-east-1"),
        (f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function:3", "cn-north-1", "cn-northwest-1"),
        (f"arn:aws-eusc:lambda:eusc-de-east-1:{ACCOUNT}:function:my-function", "eusc-de-east-1", "eu-central-1"),
    ],
)
def test_full_arn_in_another_region(function_name, arn_region, connection_region):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name(function_name, region=connection_region)
    message = str(raised.value)
    assert raised.value.option == "function_name"
    assert f"in region {arn_region}" in message
    assert f"uses region {connection_region}" in message
    assert f"Set region: {arn_region}" in message


@pytest.mark.parametrize(
    "function_name",
    ["my-function", "my-function:prod", f"{ACCOUNT}:function:my-function", f"{ACCOUNT}:function:my-function:1"],
)
def test_names_without_region_are_not_region_checked(function_name):
    assert parse_function_name(function_name, region="eu-west-3").region is None


# --- malformed input --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name",
    [
        "f" * 65,
        "my function",
        "my.function",
        "my/function",
        "my-function!",
        "fünction",
        " my-function",
        "my-function ",
        "my-function\n",
        "my-function::",
        "my-function:1:2",
        "a:b:c",
        "a:b:c:d",
        ":prod",
        f"{ACCOUNT}:function:",
        f"{ACCOUNT}:function:{'f' * 65}",
        "12345678901:function:my-function",
        f"{ACCOUNT}:lambda:my-function",
        "arn:aws:lambda:us-east-1:12345:function:x",
        "arn:aws:s3:::x",
        "arn:aws:sqs:us-east-1:123456789012:my-queue",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:1:2",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:layer:my-layer",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{'f' * 65}",
        f"arn:aws:lambda::{ACCOUNT}:function:my-function",
        f"arn:aws:lambda:useast1:{ACCOUNT}:function:my-function",
        f"arn:aws:lambda:us-east-12:{ACCOUNT}:function:my-function",
        f"arn:azure:lambda:us-east-1:{ACCOUNT}:function:my-function",
        f"arn::lambda:us-east-1:{ACCOUNT}:function:my-function",
        f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function\n",
    ],
)
def test_malformed_function_name(function_name):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name(function_name)
    assert raised.value.option == "function_name"
    assert f"function_name={function_name!r} is not a Lambda function name or ARN" in str(raised.value)
    assert "partial ARN (123456789012:function:my-function)" in str(raised.value)


@pytest.mark.parametrize("function_name", ["", None])
def test_empty_function_name(function_name):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name(function_name)
    assert raised.value.option == "function_name"
    assert "function_name must not be empty" in str(raised.value)


@pytest.mark.parametrize(
    "function_name, embedded",
    [
        ("my-function:", ""),
        ("function:", ""),
        ("my-function:$latest", "$latest"),
        ("my-function:$LATEST.PUBLISHED", "$LATEST.PUBLISHED"),
        ("my-function:a.b", "a.b"),
        ("my-function:pr od", "pr od"),
        ("my-function:prod!", "prod!"),
        (f"my-function:{'a' * 129}", "a" * 129),
        ("my-function:3\n", "3\n"),
        (f"{ACCOUNT}:function:my-function:", ""),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:", ""),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:$", "$"),
    ],
)
def test_invalid_embedded_qualifier(function_name, embedded):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name(function_name)
    assert raised.value.option == "function_name"
    assert f"function_name={function_name!r} ends in {embedded!r}, which is not a valid qualifier" in str(raised.value)


@pytest.mark.parametrize("qualifier", ["", "$latest", "latest$", "1.0", "a:b", "a b", "x" * 129, "prod\n"])
def test_invalid_explicit_qualifier(qualifier):
    with pytest.raises(InvalidOptionError) as raised:
        parse_function_name("my-function", qualifier)
    assert raised.value.option == "qualifier"
    assert f"qualifier={qualifier!r} is not a valid qualifier" in str(raised.value)


# --- validate_qualifier -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "qualifier",
    ["$LATEST", "0", "1", "42", "9" * 128, "prod", "PROD", "blue-green", "blue_green", "v2", "a", "a" * 128],
)
def test_valid_qualifier(qualifier):
    assert validate_qualifier(qualifier) == qualifier


@pytest.mark.parametrize(
    "qualifier",
    [
        "",
        "$",
        "$latest",
        "$LATEST.PUBLISHED",
        "LATEST$",
        "1.0",
        "a.b",
        "a:b",
        "a b",
        "prod!",
        "prød",
        "9" * 129,
        "a" * 129,
        "1\n",
        "prod\n",
    ],
)
@pytest.mark.parametrize("option", ["qualifier", "function_name"])
def test_invalid_qualifier(qualifier, option):
    with pytest.raises(InvalidOptionError) as raised:
        validate_qualifier(qualifier, option=option)
    assert raised.value.option == option
    assert f"{option}={qualifier!r} is not a valid qualifier" in str(raised.value)
    assert "$LATEST, a version number such as 3, or an alias name such as prod" in str(raised.value)


def test_validate_qualifier_names_the_qualifier_option_by_default():
    with pytest.raises(InvalidOptionError) as raised:
        validate_qualifier("bad.qualifier")
    assert raised.value.option == "qualifier"


# --- FunctionTarget -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "function_name, qualifier, expected",
    [
        ("my-function", None, {"FunctionName": "my-function"}),
        ("my-function", "$LATEST", {"FunctionName": "my-function", "Qualifier": "$LATEST"}),
        ("my-function:$LATEST", None, {"FunctionName": "my-function", "Qualifier": "$LATEST"}),
        ("my-function:prod", None, {"FunctionName": "my-function", "Qualifier": "prod"}),
        ("my-function", "3", {"FunctionName": "my-function", "Qualifier": "3"}),
        ("my-function", "prod", {"FunctionName": "my-function", "Qualifier": "prod"}),
        (f"{ACCOUNT}:function:my-function", "3", {"FunctionName": f"{ACCOUNT}:function:my-function", "Qualifier": "3"}),
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function",
            "live",
            {"FunctionName": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function", "Qualifier": "live"},
        ),
        (f"{ACCOUNT}:function:my-function", None, {"FunctionName": f"{ACCOUNT}:function:my-function"}),
        (
            f"{ACCOUNT}:function:my-function:9",
            None,
            {"FunctionName": f"{ACCOUNT}:function:my-function", "Qualifier": "9"},
        ),
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function",
            None,
            {"FunctionName": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function"},
        ),
        (
            f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:3",
            None,
            {"FunctionName": f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function", "Qualifier": "3"},
        ),
        (
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function:prod",
            "prod",
            {"FunctionName": f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function", "Qualifier": "prod"},
        ),
    ],
)
def test_api_params(function_name, qualifier, expected):
    assert parse_function_name(function_name, qualifier).api_params() == expected


@pytest.mark.parametrize(
    "function_name, qualifier, key_qualifier",
    [
        ("my-function", None, LATEST),
        ("my-function", "$LATEST", LATEST),
        ("my-function:$LATEST", None, LATEST),
        ("my-function", "3", "3"),
        ("my-function:prod", None, "prod"),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function", None, LATEST),
        (f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function:live", None, "live"),
    ],
)
def test_key_qualifier(function_name, qualifier, key_qualifier):
    target = parse_function_name(function_name, qualifier)
    assert target.key_qualifier == key_qualifier
    assert target.describe() == f"function my-function (qualifier {key_qualifier})"


def test_unqualified_and_latest_share_a_key_but_not_api_params():
    unqualified = parse_function_name("my-function")
    latest = parse_function_name("my-function", "$LATEST")
    assert unqualified.key_qualifier == latest.key_qualifier == "$LATEST"
    assert "Qualifier" not in unqualified.api_params()
    assert latest.api_params()["Qualifier"] == "$LATEST"


# --- qualifier_from_arn / unqualified_arn ---------------------------------------------------------------------

FN_ARN = f"arn:aws:lambda:us-east-1:{ACCOUNT}:function:my-function"


@pytest.mark.parametrize(
    "function_arn, qualifier",
    [
        (f"{FN_ARN}:$LATEST", "$LATEST"),
        (f"{FN_ARN}:1", "1"),
        (f"{FN_ARN}:120", "120"),
        (f"{FN_ARN}:prod", "prod"),
        (FN_ARN, "$LATEST"),
        (f"arn:aws-us-gov:lambda:us-gov-west-1:{ACCOUNT}:function:my-function:live", "live"),
        (f"arn:aws-iso-b:lambda:us-isob-east-1:{ACCOUNT}:function:my-function:4", "4"),
        (f"arn:aws-eusc:lambda:eusc-de-east-1:{ACCOUNT}:function:my-function:blue", "blue"),
        (None, "$LATEST"),
        ("", "$LATEST"),
        ("not-an-arn", "$LATEST"),
    ],
)
def test_qualifier_from_arn(function_arn, qualifier):
    assert qualifier_from_arn(function_arn) == qualifier


@pytest.mark.parametrize(
    "function_arn, expected",
    [
        (f"{FN_ARN}:$LATEST", FN_ARN),
        (f"{FN_ARN}:1", FN_ARN),
        (f"{FN_ARN}:prod", FN_ARN),
        (FN_ARN, FN_ARN),
        (
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function:7",
            f"arn:aws-cn:lambda:cn-north-1:{ACCOUNT}:function:my-function",
        ),
        (
            f"arn:aws-iso:lambda:us-iso-east-1:{ACCOUNT}:function:my-function:$LATEST",
            f"arn:aws-iso:lambda:us-iso-east-1:{ACCOUNT}:function:my-function",
        ),
        ("my-function:prod", "my-function:prod"),
        (None, None),
    ],
)
def test_unqualified_arn(function_arn, expected):
    assert unqualified_arn(function_arn) == expected


def test_with_identity_of_takes_partition_region_and_account_from_the_arn():
    target = parse_function_name("my-function", "1")
    assert target.with_identity_of("arn:aws-cn:lambda:cn-north-1:123456789012:function:my-function:1") == (
        FunctionTarget("my-function", "aws-cn", "cn-north-1", "123456789012", "1", "my-function")
    )
