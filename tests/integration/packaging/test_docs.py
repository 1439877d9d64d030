# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module documentation as ansible-doc renders it, and the user guides under docs/docsite."""

import json
import os
import re
import textwrap

import pytest
import yaml

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import DELIVERY_PERMISSIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import KMS_ACTIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import REQUIRED_PERMISSIONS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.grant import policy_document
from ansible_collections.serverless.aws_lambda.plugins.module_utils.grant import policy_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import RANGES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.options import module_argument_spec

DOCSITE = "docs/docsite"
GUIDE = "docs/docsite/rst/guide_event_invoke_config.rst"
DESTINATIONS_GUIDE = "docs/docsite/rst/guide_destinations.rst"
# The ARN forms the destinations guide writes in its table of what the grant allows.
ARN_FORMS = {
    "sqs": "arn:aws:sqs:REGION:ACCOUNT:QUEUE",
    "sns": "arn:aws:sns:REGION:ACCOUNT:TOPIC",
    "lambda": "arn:aws:lambda:REGION:ACCOUNT:function:NAME",
    "events": "arn:aws:events:REGION:ACCOUNT:event-bus/NAME",
    "s3": "arn:aws:s3:::BUCKET",
}
# The destinations of the guide's example policy: successes to an encrypted queue, failures to a bucket.
EXAMPLE_DESTINATIONS = [
    (
        "arn:aws:sqs:eu-west-1:123456789012:my-function-success",
        "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    ),
    ("arn:aws:s3:::my-failed-events", None),
]
LABEL_PREFIX = ".. _ansible_collections.serverless.aws_lambda.docsite."
# The options each module defines itself (the amazon.aws doc fragments add the connection options).
OWN_OPTIONS = {
    "lambda_event_invoke_config": {
        "function_name",
        "qualifier",
        "state",
        "maximum_retry_attempts",
        "maximum_event_age_in_seconds",
        "destination_config",
        "destination_retry_timeout",
        "configs",
        "purge_configs",
        "workers",
        "max_requests_per_second",
    },
    "lambda_event_invoke_config_info": {
        "function_name",
        "qualifier",
        "destination_health",
        "metrics_hours",
        "workers",
        "max_requests_per_second",
    },
}


def walk(entries, path=""):
    """(dotted name, entry) for every option or return key, suboptions and contained keys included."""
    for name, entry in (entries or {}).items():
        yield path + name, entry
        yield from walk(entry.get("suboptions") or entry.get("contains"), path + name + ".")


def undocumented(entries):
    return [name for name, entry in walk(entries) if not entry.get("description") or not entry.get("type")]


@pytest.fixture(scope="module")
def module_docs(tools, installed_collections):
    """ansible-doc --json of both modules, from the collection installed from its tarball."""
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections))
    completed = tools.run(
        ["ansible-doc", "--json", *("serverless.aws_lambda." + name for name in tools.MODULES)], env=env
    )
    assert completed.returncode == 0, tools.output_of(completed)
    return {name.rsplit(".", 1)[1]: entry for name, entry in json.loads(completed.stdout).items()}


@pytest.mark.parametrize("module", sorted(OWN_OPTIONS))
def test_ansible_doc_renders_every_option(tools, installed_collections, module_docs, module):
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections))
    completed = tools.run(["ansible-doc", "serverless.aws_lambda." + module], env=env)
    assert completed.returncode == 0, tools.output_of(completed)
    options = module_docs[module]["doc"]["options"]
    assert OWN_OPTIONS[module] <= set(options), sorted(options)
    for name, _entry in walk(options):
        assert re.search(r"\b{0}\b".format(re.escape(name.rsplit(".", 1)[-1])), completed.stdout), name
    for key, _entry in walk(module_docs[module]["return"]):
        assert key.rsplit(".", 1)[-1] in completed.stdout, key


@pytest.mark.parametrize(
    "kind, name, words",
    [
        ("module", "org_report", ("parts_dir", "expected_hosts", "summary.html", "not_run")),
        ("inventory", "aws_organization", ("regions", "role_name", "include_filters", "aws_role_arn", "keyed_groups")),
        (
            "role",
            "org",
            ("Apply one account and region", "Audit one account and region", "org_configs", "org_report_bucket"),
        ),
    ],
)
def test_ansible_doc_renders_the_organisation_content(tools, installed_collections, kind, name, words):
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections), ANSIBLE_NOCOLOR="1")
    completed = tools.run(["ansible-doc", "-t", kind, "serverless.aws_lambda." + name], env=env)
    assert completed.returncode == 0, tools.output_of(completed)
    assert [word for word in words if word not in completed.stdout] == [], completed.stdout[:3000]
    assert "WARNING" not in completed.stderr, completed.stderr


@pytest.mark.parametrize("module", sorted(OWN_OPTIONS))
def test_every_option_and_return_key_is_described(module_docs, module):
    doc = module_docs[module]
    assert doc["doc"]["short_description"]
    assert doc["doc"]["version_added"]
    assert doc["examples"].strip()
    assert doc["return"], "no RETURN documentation"
    assert undocumented(doc["doc"]["options"]) == []
    assert undocumented(doc["return"]) == []
    assert [name for name, entry in walk(doc["return"]) if not entry.get("returned")] == []


def test_user_guides_parse_without_warnings(tools):
    guides = sorted(os.listdir(os.path.join(tools.ROOT, DOCSITE, "rst")))
    assert "guide_event_invoke_config.rst" in guides
    paths = [os.path.join(DOCSITE, "rst", name) for name in guides]
    completed = tools.run(["rstcheck", "--report-level", "WARNING", *paths])
    assert completed.returncode == 0, tools.output_of(completed)
    for path in paths:
        with open(os.path.join(tools.ROOT, path), encoding="utf-8") as guide:
            first_line = guide.readline()
        assert first_line.startswith(LABEL_PREFIX), f"{path} must start with a {LABEL_PREFIX}... label"


def test_shipped_guides_link_the_examples_they_name(tools):
    """The examples stay in the repository: a guide read from an installed collection links them absolutely, and
    names them bare only in a command run in a clone."""
    repository = "https://github.com/serverless-aws-lambda/serverless.aws_lambda/blob/main/"
    for name in os.listdir(os.path.join(tools.ROOT, DOCSITE, "rst")):
        with open(os.path.join(tools.ROOT, DOCSITE, "rst", name), encoding="utf-8") as stream:
            lines = [line for line in stream if not line.lstrip().startswith("$ ")]
        for line in lines:
            for path in re.findall(r"(?<![/\w])examples/[\w./-]+", line):
                assert f"<{repository}{path}>" in line, (name, line)
                assert os.path.exists(os.path.join(tools.ROOT, path)), (name, path)


def test_docsite_config_lists_every_guide(tools):
    with open(os.path.join(tools.ROOT, DOCSITE, "extra-docs.yml"), encoding="utf-8") as stream:
        extra_docs = yaml.safe_load(stream)
    listed = [entry for section in extra_docs["sections"] for entry in section["toctree"]]
    guides = sorted(name[: -len(".rst")] for name in os.listdir(os.path.join(tools.ROOT, DOCSITE, "rst")))
    assert sorted(listed) == guides
    with open(os.path.join(tools.ROOT, DOCSITE, "links.yml"), encoding="utf-8") as stream:
        links = yaml.safe_load(stream)
    with open(os.path.join(tools.ROOT, "galaxy.yml"), encoding="utf-8") as stream:
        galaxy = yaml.safe_load(stream)
    assert galaxy["repository"].endswith("/" + links["edit_on_github"]["repository"])
    assert galaxy["documentation"] == "https://galaxy.ansible.com/ui/repo/published/serverless/aws_lambda/docs/"


def test_user_guide_matches_the_code(tools, module_docs):
    """The guide names every option, every destination permission, the ranges and the retry default."""
    with open(os.path.join(tools.ROOT, GUIDE), encoding="utf-8") as stream:
        guide = stream.read()
    for option in OWN_OPTIONS["lambda_event_invoke_config"]:
        assert f"``{option}" in guide, option
    for service, permission in REQUIRED_PERMISSIONS.items():
        for action in permission.split(" and "):
            assert f"``{action}``" in guide, (service, action)
    for low, high in RANGES.values():
        assert f"{low} to {high}" in guide
    default_timeout = module_docs["lambda_event_invoke_config"]["doc"]["options"]["destination_retry_timeout"][
        "default"
    ]
    assert default_timeout == module_argument_spec()["destination_retry_timeout"]["default"]
    assert f"``destination_retry_timeout: {default_timeout}``" in guide
    for terraform_id in ("my_function", "my_function:production", "function:my_function``", "my_function:production``"):
        assert terraform_id in guide


def test_destinations_guide_matches_the_grant(tools):
    """The grant's table names each (action, resource) of DELIVERY_PERMISSIONS, and its example is what the grant writes."""
    with open(os.path.join(tools.ROOT, DESTINATIONS_GUIDE), encoding="utf-8") as stream:
        guide = stream.read()
    assert sorted(ARN_FORMS) == sorted(DELIVERY_PERMISSIONS)
    for service, pairs in DELIVERY_PERMISSIONS.items():
        for action, resource in pairs:
            assert f"``{action}`` on ``{resource.format(arn=ARN_FORMS[service])}``" in guide, (service, action)
    for action in KMS_ACTIONS:
        assert f"``{action}``" in guide, action
    assert f"``{policy_name('REGION')}``" in guide
    examples = re.findall(r"\.\. code-block:: json\n\n((?:    .*\n|\n)+)", guide)
    assert [json.loads(example) for example in examples] == [policy_document(EXAMPLE_DESTINATIONS)]


def test_organisation_guide_shows_the_inventories_the_org_tests_run(tools):
    """tests/integration/reliability/test_organization.py runs examples/org.aws_organization.yml (its regions
    aside) and examples/org_static_inventory.yml (its hosts' shape); the guide must show those files as they are."""
    with open(os.path.join(tools.ROOT, "docs/docsite/rst/guide_organization.rst"), encoding="utf-8") as stream:
        guide = stream.read()
    blocks = re.findall(r"\.\. code-block:: yaml\n\n((?:    .*\n|\n)+)", guide)
    shown = [yaml.safe_load(textwrap.dedent(block)) for block in blocks]
    assert tools.load_yaml("examples/org.aws_organization.yml") in shown
    assert tools.load_yaml("examples/org_static_inventory.yml") in shown
