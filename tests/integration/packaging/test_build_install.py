# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection tarball, install it into an empty collections path and run a playbook from that copy."""

import ast
import json
import os
import tarfile

# What a user installing from Galaxy gets, as amazon.aws ships it: the content, its documentation and
# requirements, and the ansible-test style tests. Everything else in the repository (the emulator and
# the pytest suites around it, scripts, benchmarks, molecule, examples, tool configuration) is for
# developers and stays out through galaxy.yml's build_ignore.
TOP_LEVEL = {
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "CONTRIBUTING.md",
    "CHANGELOG.rst",
    "COPYING",
    "requirements.txt",
    "bindep.txt",
    "changelogs",
    "docs",
    "meta",
    "playbooks",
    "plugins",
    "roles",
    "tests",
}
SHIPPED_TESTS = ("tests/unit/", "tests/config.yml")
# What the tarball must not carry: the emulator-driven integration tests (they need the emulator's control
# endpoints, which an installed collection does not have), a developer's note, build leftovers.
UNSHIPPED = (
    "tests/integration",
    "tests/unit/MUTATION.md",
    "context",
    "dist",
    ".github",
    "playbooks/demo",
    "playbooks/inventory.ini",
)
REQUIRED_MEMBERS = (
    "playbooks/org_audit.yml",
    "playbooks/org_apply.yml",
    "playbooks/org_report.yml",
    "playbooks/org_start.yml",
    "roles/org/meta/argument_specs.yml",
    "plugins/inventory/aws_organization.py",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "plugins/modules/lambda_event_invoke_config.py",
    "plugins/modules/lambda_event_invoke_config_info.py",
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "docs/docsite/rst/guide_event_invoke_config.rst",
    "changelogs/config.yaml",
    "changelogs/changelog.yaml",
    "tests/unit/plugins/lambda_fakes.py",
    "tests/config.yml",
    "CONTRIBUTING.md",
)
FORBIDDEN_DIRECTORIES = {".venv", ".build", ".git", "__pycache__", ".pytest_cache", ".ruff_cache", ".ansible"}


def collection_version():
    """COLLECTION_VERSION of plugins/module_utils/modules.py: the one place the version is written for code.

    galaxy.yml must carry the same version (ansible-galaxy reads it only from there); the built
    MANIFEST.json and the tarball's name show what galaxy.yml said.
    """
    path = os.path.join(os.path.dirname(__file__), "..", "..", "..", "plugins", "module_utils", "modules.py")
    with open(path, encoding="utf-8") as source:
        tree = ast.parse(source.read())
    for node in tree.body:
        if isinstance(node, ast.Assign) and [target.id for target in node.targets] == ["COLLECTION_VERSION"]:
            return ast.literal_eval(node.value)
    raise AssertionError(f"no COLLECTION_VERSION in {path}")


def forbidden(member):
    parts = member.split("/")
    return (
        bool(FORBIDDEN_DIRECTORIES.intersection(parts))
        or member.startswith("tests/output")
        or member.endswith((".pyc", ".tar.gz"))
    )


def test_tarball_holds_the_collection_and_nothing_else(collection_tarball):
    with tarfile.open(collection_tarball) as archive:
        members = archive.getnames()
        manifest = json.load(archive.extractfile("MANIFEST.json"))
    assert {member.split("/")[0] for member in members} == TOP_LEVEL
    missing = [member for member in REQUIRED_MEMBERS if member not in members]
    assert not missing, f"missing from {collection_tarball.name}: {missing}"
    assert [member for member in members if member.startswith("docs/docsite/rst/") and member.endswith(".rst")]
    unwanted = [member for member in members if forbidden(member)]
    assert not unwanted, f"build_ignore lets these into {collection_tarball.name}: {unwanted[:20]}"
    other_tests = [
        member
        for member in members
        if member.startswith("tests/")
        and member != "tests"
        and not member.startswith(SHIPPED_TESTS)
        and member + "/" not in SHIPPED_TESTS
    ]
    assert other_tests == [], "only the unit tests and tests/config.yml ship"
    assert [member for member in members if member.startswith(UNSHIPPED)] == []
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"]) == ("serverless", "aws_lambda")
    assert info["version"] == collection_version(), "galaxy.yml's version must be COLLECTION_VERSION of modules.py"
    assert collection_tarball.name == f"serverless-aws_lambda-{collection_version()}.tar.gz"
    assert "amazon.aws" in info["dependencies"]


def test_installed_copy_is_the_only_one_ansible_sees(tools, installed_collections):
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections))
    listed = tools.run(["ansible-galaxy", "collection", "list", "serverless.aws_lambda", "--format", "json"], env=env)
    assert listed.returncode == 0, tools.output_of(listed)
    locations = json.loads(listed.stdout)
    assert list(locations) == [str(installed_collections / "ansible_collections")], locations

    doc = tools.run(["ansible-doc", "--json", *("serverless.aws_lambda." + name for name in tools.MODULES)], env=env)
    assert doc.returncode == 0, tools.output_of(doc)
    module_dir = installed_collections / "ansible_collections" / "serverless" / "aws_lambda" / "plugins" / "modules"
    for name, entry in json.loads(doc.stdout).items():
        assert entry["doc"]["filename"] == str(module_dir / (name.rsplit(".", 1)[1] + ".py"))


def test_playbook_runs_from_the_installed_copy(tools, installed_collections, lambda_function, clean_emulator, tmp_path):
    env = clean_emulator.env(base=tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(installed_collections)))
    completed = tools.run(
        [
            "ansible-playbook",
            "-vvv",
            "-i",
            os.path.join(tools.PLAYBOOKS, "inventory.ini"),
            "-e",
            "packaging_function_name=" + lambda_function["name"],
            os.path.join(tools.PLAYBOOKS, "installed_collection.yml"),
        ],
        env=env,
        cwd=str(tmp_path),
    )
    assert completed.returncode == 0, tools.output_of(completed)

    module_dir = installed_collections / "ansible_collections" / "serverless" / "aws_lambda" / "plugins" / "modules"
    for name in tools.MODULES:
        assert "Using module file {0}".format(module_dir / (name + ".py")) in completed.stdout, tools.output_of(
            completed
        )
    assert tools.ROOT + "/plugins/modules" not in completed.stdout
    assert "/.build/collections/" not in completed.stdout

    config = clean_emulator.client("lambda").get_function_event_invoke_config(FunctionName=lambda_function["name"])
    assert config["MaximumRetryAttempts"] == 1
    assert config["MaximumEventAgeInSeconds"] == 600
    assert [call["operation"] for call in tools.write_calls(clean_emulator)] == ["PutFunctionEventInvokeConfig"]


def test_issue_templates_are_github_issue_forms(tools):
    """Bug, feature and documentation forms (name, description, a body of typed fields with ids), as GitHub reads
    them; blank issues go to the forum's link."""
    directory = os.path.join(tools.ROOT, ".github", "ISSUE_TEMPLATE")
    forms = {name: tools.load_yaml(os.path.join(".github", "ISSUE_TEMPLATE", name)) for name in os.listdir(directory)}
    config = forms.pop("config.yml")
    assert sorted(forms) == ["bug_report.yml", "documentation_report.yml", "feature_request.yml"]
    for name, form in forms.items():
        assert form["name"] and form["description"], name
        assert all(field["type"] in ("input", "textarea") and field["id"] for field in form["body"]), name
    assert config["blank_issues_enabled"] is False and config["contact_links"]
    assert os.path.isfile(os.path.join(tools.ROOT, ".github", "pull_request_template.md"))
