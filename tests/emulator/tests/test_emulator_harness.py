# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The harness's function factory: ``Emulator.create_function`` (role once, function, versions, aliases)."""

from __future__ import annotations

import io
import urllib.request
import zipfile

from tests.emulator.harness import function_zip
from tests.emulator.tests.emulator_helpers import ACCOUNT
from tests.emulator.tests.emulator_helpers import fn_arn


def test_create_function_with_versions_and_aliases(aws):
    arn = aws.emulator.create_function("factory-fn", versions=2, aliases={"live": "1", "blue": 2})
    assert arn == fn_arn("factory-fn")
    versions = aws.lam.list_versions_by_function(FunctionName="factory-fn")["Versions"]
    assert [version["Version"] for version in versions] == ["$LATEST", "1", "2"]
    aliases = aws.lam.list_aliases(FunctionName="factory-fn")["Aliases"]
    assert sorted((alias["Name"], alias["FunctionVersion"]) for alias in aliases) == [("blue", "2"), ("live", "1")]
    configuration = aws.lam.get_function_configuration(FunctionName="factory-fn")
    assert (configuration["Runtime"], configuration["Handler"]) == ("python3.12", "index.handler")
    assert configuration["Role"] == f"arn:aws:iam::{ACCOUNT}:role/emulator-execution-role"


def test_the_package_is_a_handler_that_returns_its_event():
    archive = zipfile.ZipFile(io.BytesIO(function_zip()))
    assert archive.namelist() == ["index.py"]
    namespace: dict = {}
    exec(archive.read("index.py").decode(), namespace)  # noqa: S102 - our own two-line handler
    assert namespace["handler"]({"k": 1}, None) == {"k": 1}


def test_the_execution_role_is_created_once(aws):
    aws.emulator.create_function("factory-a")
    aws.emulator.create_function("factory-b", region="us-west-2")
    assert [(call["service"], call["operation"]) for call in aws.emulator.calls()] == [
        ("iam", "CreateRole"),
        ("iam", "PutRolePolicy"),
        ("lambda", "CreateFunction"),
        ("lambda", "CreateFunction"),
    ]
    assert aws.west.get_function(FunctionName="factory-b")["Configuration"]["FunctionArn"] == fn_arn(
        "factory-b", "us-west-2"
    )


def test_the_role_is_made_again_after_a_reset_the_harness_did_not_see(aws):
    aws.emulator.create_function("factory-a")
    request = urllib.request.Request(aws.emulator.url + "/moto-api/reset", method="POST")
    urllib.request.urlopen(request, timeout=60).close()
    assert aws.emulator.create_function("factory-a") == fn_arn("factory-a")
    assert [call["operation"] for call in aws.emulator.calls()] == [
        "CreateFunction",
        "CreateRole",
        "PutRolePolicy",
        "CreateFunction",
    ]
