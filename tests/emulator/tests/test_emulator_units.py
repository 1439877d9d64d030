# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Pure parts of the emulator: REST route matching against the botocore models, FunctionName parsing."""

from __future__ import annotations

import pytest

from tests.emulator.function_names import FunctionRef
from tests.emulator.function_names import parse_function_name
from tests.emulator.service_models import ServiceCatalog

CATALOG = ServiceCatalog()
LAMBDA = CATALOG.model("lambda")


def sample_request(operation_model):
    """A request botocore could send for ``operation_model``: labels filled, required query/headers present."""
    path, _sep, template_query = operation_model.http["requestUri"].partition("?")
    for label in operation_model.input_shape.members if operation_model.input_shape else []:
        path = path.replace("{" + label + "}", "x%3Ay").replace("{" + label + "+}", "a/b")
    query = {}
    for part in filter(None, template_query.split("&")):
        key, _sep, value = part.partition("=")
        query[key] = [value]
    headers = {}
    shape = operation_model.input_shape
    for name in shape.required_members if shape else []:
        serialization = shape.members[name].serialization
        if serialization.get("location") == "querystring":
            query[serialization.get("name", name)] = ["v"]
        elif serialization.get("location") == "header":
            headers[serialization.get("name", name).lower()] = "v"
    return operation_model.http["method"], path, query, headers


@pytest.mark.parametrize("operation", LAMBDA.operation_names)
def test_every_lambda_operation_is_named_exactly(operation):
    method, path, query, headers = sample_request(LAMBDA.operation_model(operation))
    assert CATALOG.routes("lambda").match(method, path, query, headers)[0] == operation


def test_lambda_labels_are_url_decoded():
    path = "/2019-09-25/functions/fn%3A%24LATEST/event-invoke-config"
    assert CATALOG.routes("lambda").match("GET", path, {}, {}) == (
        "GetFunctionEventInvokeConfig",
        {"FunctionName": "fn:$LATEST"},
    )


@pytest.mark.parametrize(
    ("method", "path", "query", "headers", "operation"),
    [
        ("PUT", "/bucket", {}, {}, "CreateBucket"),
        ("PUT", "/bucket/a/b.txt", {}, {}, "PutObject"),
        ("PUT", "/bucket/a/b.txt", {}, {"x-amz-copy-source": "src/k"}, "CopyObject"),
        ("GET", "/bucket", {"list-type": ["2"]}, {}, "ListObjectsV2"),
        ("GET", "/bucket", {}, {}, "ListObjects"),
        ("PUT", "/bucket", {"tagging": [""]}, {}, "PutBucketTagging"),
        ("PUT", "/bucket/k", {"partNumber": ["1"], "uploadId": ["u"]}, {}, "UploadPart"),
    ],
)
def test_s3_routes_pick_the_most_specific_operation(method, path, query, headers, operation):
    assert CATALOG.routes("s3").match(method, path, query, headers)[0] == operation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("fn", FunctionRef("fn")),
        ("fn:live", FunctionRef("fn", "live")),
        ("fn:$LATEST", FunctionRef("fn", "$LATEST")),
        ("123456789012:function:fn", FunctionRef("fn", None, None, "123456789012")),
        ("123456789012:function:fn:3", FunctionRef("fn", "3", None, "123456789012")),
        ("arn:aws:lambda:eu-west-1:123456789012:function:fn", FunctionRef("fn", None, "eu-west-1", "123456789012")),
        (
            "arn:aws:lambda:eu-west-1:123456789012:function:fn:live",
            FunctionRef("fn", "live", "eu-west-1", "123456789012"),
        ),
        ("bad name", None),
        ("fn:a:b", None),
    ],
)
def test_function_name_forms(text, expected):
    assert parse_function_name(text) == expected
