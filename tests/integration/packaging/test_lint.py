# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""ansible-lint, profile production (set in .ansible-lint), on the Ansible content of the repository."""

import os

LINTED_PATHS = (
    # The demo, the integration targets and the molecule scenarios.
    "playbooks",
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
