# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-lint, profile production (set in .ansible-lint), on the Ansible content of the repository."""

import json
import os

import yaml

LINTED_PATHS = (
    # The demo and org playbooks, the org role, the integration targets and the molecule scenarios.
    "playbooks",
    "roles",
    "tests/integration/targets",
    "extensions/molecule",
    # The packaging files: collection metadata, EE definitions, docsite config, changelog, these tests' playbooks.
    "galaxy.yml",
    "meta",
    "examples",
    "docs/docsite",
    "changelogs",
    "tests/integration/packaging/playbooks",
)


def source_collections(tools):
    """.build/collections, where the source tree is linked as serverless.aws_lambda (as the Makefile does)."""
    collections = os.path.join(tools.ROOT, ".build", "collections")
    link = os.path.join(collections, "ansible_collections", "serverless", "aws_lambda")
    if not os.path.exists(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(tools.ROOT, link)
        except FileExistsError:
            pass  # another test process linked it first
    return collections


def test_ansible_lint_production_profile(tools):
    env = tools.bare_env(
        ANSIBLE_COLLECTIONS_PATH=source_collections(tools),
        ANSIBLE_ROLES_PATH=os.path.join(tools.ROOT, "tests", "integration", "targets"),
    )
    completed = tools.run(["ansible-lint", "--nocolor", *LINTED_PATHS], env=env)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, tools.output_of(completed)
    assert "Profile 'production' was required, and it passed" in output, output[-5000:]
    assert "0 failure(s), 0 warning(s)" in output, output[-5000:]


def test_module_examples_pass_ansible_lint_with_args(tools, tmp_path):
    """Each module's EXAMPLES as the tasks of a play: named tasks (name[missing]) whose arguments match the
    module's argument spec (the args rule, left out of the production profile unless enabled)."""
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=source_collections(tools))
    completed = tools.run(
        ["ansible-doc", "--json", *("serverless.aws_lambda." + name for name in tools.MODULES)], env=env
    )
    assert completed.returncode == 0, tools.output_of(completed)
    playbooks = []
    for name, doc in json.loads(completed.stdout).items():
        assert yaml.safe_load(doc["examples"]), name
        # The examples' own text, indented under tasks:, so that ansible-lint sees their formatting too.
        tasks = "".join("    " + line if line.strip() else "\n" for line in doc["examples"].strip().splitlines(True))
        header = f"---\n- name: Examples of {name}\n  hosts: localhost\n  gather_facts: false\n  tasks:\n"
        path = tmp_path / f"{name.rsplit('.', 1)[1]}.yml"
        path.write_text(header + tasks + "\n", encoding="utf-8")
        playbooks.append(str(path))
    completed = tools.run(["ansible-lint", "--nocolor", "--enable-list", "args", *playbooks], env=env)
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, tools.output_of(completed)
    assert "Profile 'production' was required, and it passed" in output, output[-5000:]
