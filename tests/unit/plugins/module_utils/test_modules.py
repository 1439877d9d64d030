# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""AnsibleLambdaModule: access_key kept out of logs, and the collection named in the AWS user agent."""

import json

import pytest
from lambda_fakes import patch_module_args

from ansible_collections.amazon.aws.plugins.module_utils import common
from ansible_collections.serverless.aws_lambda.plugins.module_utils import modules


@pytest.mark.parametrize("argument_spec", [None, {}, {"name": {"type": "str"}}])
def test_access_key_is_no_log_and_keeps_amazon_aws_aliases(argument_spec):
    spec = modules._with_secret_access_key_id(argument_spec)
    assert spec["access_key"]["no_log"] is True
    assert "aws_access_key_id" in spec["access_key"]["aliases"]
    assert set(spec) == {"access_key"} | set(argument_spec or {})


def test_a_module_own_access_key_spec_is_kept():
    own = {"access_key": {"type": "str", "no_log": False}}
    assert modules._with_secret_access_key_id(own) == own


def test_the_module_registers_the_collection_and_hides_the_access_key(monkeypatch):
    monkeypatch.setattr(common, "_collection_info_context", {"name": "amazon.aws", "version": "10.0.0"})
    with patch_module_args({"name": "f", "access_key": "AKIDEXAMPLE"}):
        module = modules.AnsibleLambdaModule(argument_spec={"name": {"type": "str"}})
    assert module.params["name"] == "f"
    assert module.argument_spec["access_key"]["no_log"] is True
    assert "AKIDEXAMPLE" in module.no_log_values
    assert common.get_collection_info() == {"name": "serverless.aws_lambda", "version": "0.2.0"}


@pytest.mark.parametrize("found", ["10.0.0", "10.1.2", "11.4.0"])
def test_amazon_aws_from_the_minimum_on_is_accepted(found):
    assert modules.amazon_aws_refusal(found) is None


@pytest.mark.parametrize("found, said", [("9.5.0", "9.5.0"), (None, "(a version too old to tell)")])
def test_an_older_amazon_aws_is_refused_with_what_to_do(found, said):
    assert modules.amazon_aws_refusal(found) == (
        f"serverless.aws_lambda {modules.COLLECTION_VERSION} needs amazon.aws 10.0.0 or later, and Ansible loaded "
        f"amazon.aws {said}. Upgrade it: with the ansible package, pip install --upgrade 'ansible>=12' (it carries "
        "amazon.aws 10 or later); with Galaxy, ansible-galaxy collection install --upgrade 'amazon.aws:>=10.0.0'. "
        "ansible-galaxy collection list amazon.aws shows which copies Ansible finds, the first one wins."
    )


def test_the_module_fails_with_the_refusal_before_anything_else(monkeypatch, capsys):
    monkeypatch.setattr(modules, "amazon_aws_refusal", lambda: "too old")
    with patch_module_args({"name": "f"}), pytest.raises(SystemExit):
        modules.AnsibleLambdaModule(argument_spec={"name": {"type": "str"}})
    assert json.loads(capsys.readouterr().out)["msg"] == "too old"
