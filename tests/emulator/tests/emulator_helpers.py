# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the emulator's tests: constants, error capture and raw HTTP calls."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest
from botocore.exceptions import ClientError

REGION = "us-east-1"
ACCOUNT = "123456789012"
FUNCTION = "eic-fn"
OTHER_FUNCTION = "eic-other"
ALIAS = "live"
PATTERN_PREFIX = "Member must satisfy regular expression pattern:"


def fn_arn(name: str = FUNCTION, region: str = REGION) -> str:
    return f"arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"


def error_of(call, *args, **kwargs) -> dict:
    """The error of a call that must fail: {"Code", "Message", "Status", "Response"}."""
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return {
        "Code": response["Error"]["Code"],
        "Message": response["Error"]["Message"],
        "Status": response["ResponseMetadata"]["HTTPStatusCode"],
        "Response": response,
    }


def body_of(response: dict) -> dict:
    """A botocore response without ResponseMetadata."""
    return {key: value for key, value in response.items() if key != "ResponseMetadata"}


def settings_of(response: dict) -> dict:
    """A config response without ResponseMetadata and LastModified."""
    return {key: value for key, value in body_of(response).items() if key != "LastModified"}


def raw_call(emulator, method: str, path: str, body=None, *, region: str = REGION, service: str = "lambda"):
    """An HTTP call with a SigV4-shaped Authorization header (the emulator reads its scope, not its signature).

    ``body`` is sent as JSON, or as it is when it is bytes.
    Returns (status, lower-cased headers, body bytes).
    """
    authorization = (
        f"AWS4-HMAC-SHA256 Credential=testing/20250101/{region}/{service}/aws4_request, "
        "SignedHeaders=host, Signature=0"
    )
    data = body if isinstance(body, bytes) or body is None else json.dumps(body).encode("utf-8")
    headers = {"Authorization": authorization}
    request = urllib.request.Request(emulator.url + path, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, lower_keys(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, lower_keys(error.headers), error.read()


def lower_keys(headers) -> dict:
    return {key.lower(): value for key, value in headers.items()}


def eic_path(function_name: str, qualifier: str | None = None) -> str:
    path = f"/2019-09-25/functions/{function_name}/event-invoke-config"
    return path + (f"?Qualifier={qualifier}" if qualifier is not None else "")
