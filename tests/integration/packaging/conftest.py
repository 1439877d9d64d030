# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for the packaging tests: the collection as users get it (a built tarball, an installed copy).

These tests use the collection the way users consume it, not through the source-tree symlink in
.build/collections: environments built here leave out ANSIBLE_COLLECTIONS_PATH and every AWS_* variable
unless a test sets them on purpose.
"""

import os
import subprocess
import sys
import types

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
BIN = os.path.dirname(sys.executable)
PLAYBOOKS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "playbooks")
MODULES = ("lambda_event_invoke_config", "lambda_event_invoke_config_info")  # the AWS modules
REPORT_MODULE = "org_report"  # the organisation report: controller-side, no AWS call, no amazon.aws fragment
WRITE_OPERATIONS = {
    "PutFunctionEventInvokeConfig",
    "UpdateFunctionEventInvokeConfig",
    "DeleteFunctionEventInvokeConfig",
}


def bare_env(**extra):
    """os.environ without AWS_* and ANSIBLE_* variables, with this Python's bin first on PATH, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("AWS_", "ANSIBLE_"))}
    env["PATH"] = BIN + os.pathsep + env.get("PATH", "")
    env.update(ANSIBLE_FORCE_COLOR="0", ANSIBLE_NOCOLOR="1", NO_COLOR="1")
    env.update(extra)
    return env


def run(command, **kwargs):
    """Run ``command`` (argv; a bare program name is taken from this Python's bin) and capture its output."""
    if not os.path.isabs(command[0]):
        command = [os.path.join(BIN, command[0]), *command[1:]]
    kwargs.setdefault("env", bare_env())
    kwargs.setdefault("cwd", ROOT)
    return subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)


def output_of(completed):
    return "$ {0}\n{1}\n{2}".format(" ".join(completed.args), completed.stdout, completed.stderr)[-20000:]


class AnsibleYamlLoader(yaml.SafeLoader):
    """YAML as Ansible writes it, with its !unsafe tag read as a plain string."""


AnsibleYamlLoader.add_constructor("!unsafe", lambda loader, node: loader.construct_scalar(node))


def load_yaml(path):
    """A YAML file of the repository (path relative to its root), Ansible's !unsafe tag included."""
    with open(os.path.join(ROOT, path), encoding="utf-8") as stream:
        return yaml.load(stream, Loader=AnsibleYamlLoader)  # noqa: S506 - a SafeLoader with one tag more


def write_calls(emulator):
    return [call for call in emulator.calls() if call["operation"] in WRITE_OPERATIONS]


@pytest.fixture(scope="session")
def tools():
    """The helpers and paths above, for the test modules (conftest modules cannot be imported by name)."""
    return types.SimpleNamespace(
        ROOT=ROOT,
        BIN=BIN,
        PLAYBOOKS=PLAYBOOKS,
        MODULES=MODULES,
        REPORT_MODULE=REPORT_MODULE,
        bare_env=bare_env,
        run=run,
        output_of=output_of,
        load_yaml=load_yaml,
        write_calls=write_calls,
    )


@pytest.fixture(scope="session")
def collection_tarball(tmp_path_factory):
    """The collection built with ``ansible-galaxy collection build`` from the source tree, as a release is."""
    output = tmp_path_factory.mktemp("build")
    completed = run(["ansible-galaxy", "collection", "build", "--output-path", str(output), ROOT])
    assert completed.returncode == 0, output_of(completed)
    tarballs = sorted(output.glob("serverless-aws_lambda-*.tar.gz"))
    assert len(tarballs) == 1, output_of(completed)
    return tarballs[0]


@pytest.fixture(scope="session")
def installed_collections(tmp_path_factory, collection_tarball):
    """An empty collections path with only the tarball installed in it (amazon.aws comes from site-packages)."""
    path = tmp_path_factory.mktemp("installed") / "collections"
    completed = run(
        ["ansible-galaxy", "collection", "install", "--no-deps", "-p", str(path), str(collection_tarball)],
        env=bare_env(ANSIBLE_COLLECTIONS_PATH=str(path)),
    )
    assert completed.returncode == 0, output_of(completed)
    return path


@pytest.fixture
def lambda_function(clean_emulator):
    """A function in the reset emulator (no event invoke config yet); returns its name and ARN."""
    arn = clean_emulator.create_function("packaging-function")
    clean_emulator.clear_calls()
    return dict(name="packaging-function", arn=arn)
