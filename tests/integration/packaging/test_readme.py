# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""README.md as a new user follows it: its order, its links from the installed tarball, its commands."""

import os
import re
import shutil
import tarfile

import pytest

SECTIONS = [
    "Included content",
    "Requirements",
    "Installation",
    "Quick start",
    "Audit",
    "AWX and execution environments",
    "Development and tests",
    "License",
]
REPOSITORY = "https://github.com/serverless-aws-lambda/serverless.aws_lambda/"


def readme(tools):
    with open(os.path.join(tools.ROOT, "README.md"), encoding="utf-8") as stream:
        return stream.read()


def bash_blocks(tools):
    return re.findall(r"```bash\n(.*?)```", readme(tools), re.DOTALL)


def test_sections_go_from_what_it_is_to_development(tools):
    assert re.findall(r"^## (.+)$", readme(tools), re.MULTILINE) == SECTIONS


def test_relative_links_point_at_files_the_tarball_ships(tools, collection_tarball):
    """Galaxy renders the README from the tarball: a relative link to an unshipped file would be dead there."""
    with tarfile.open(collection_tarball) as tarball:
        shipped = set(tarball.getnames())
    links = re.findall(r"\]\(([^)#]+)\)", readme(tools))
    relative = [link for link in links if not link.startswith("https://")]
    assert relative
    assert [link for link in relative if link.rstrip("/") not in shipped] == []
    for link in links:
        if link.startswith(REPOSITORY):
            path = re.sub(r"^(blob|tree)/main/", "", link[len(REPOSITORY) :])
            assert os.path.exists(os.path.join(tools.ROOT, path)), link


def test_make_commands_are_makefile_targets(tools):
    targets = [
        line.split()[1] for block in bash_blocks(tools) for line in block.splitlines() if line.startswith("make ")
    ]
    assert {"demo", "test"} <= set(targets)
    for target in targets:
        completed = tools.run([shutil.which("make"), "-n", target], env=tools.bare_env())
        assert completed.returncode == 0, tools.output_of(completed)


def test_install_without_galaxy_runs_as_written(tools, tmp_path):
    """The no-Galaxy block, line by line in bash, in a copy of the repository. pip is a shim that resolves the
    same arguments against what is installed (--dry-run --no-index): boto3 and botocore must be among them."""
    (block,) = [block for block in bash_blocks(tools) if "collection build --output-path dist/" in block]
    assert "-r requirements.txt" in block
    clone = tmp_path / "clone"
    shutil.copytree(
        tools.ROOT,
        clone,
        symlinks=True,
        ignore=shutil.ignore_patterns(".git", ".venv*", ".build", "__pycache__", "*.tar.gz", "dist"),
    )
    shims = tmp_path / "shims"
    shims.mkdir()
    pip = shims / "pip"
    pip.write_text(f'#!/bin/sh\nexec "{tools.BIN}/python" -m pip "$@" --dry-run --no-index\n', encoding="utf-8")
    pip.chmod(0o755)
    collections = tmp_path / "collections"
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(collections))
    env["PATH"] = f"{shims}{os.pathsep}{env['PATH']}"
    completed = tools.run([shutil.which("bash"), "-e", "-x", "-c", block], cwd=str(clone), env=env)
    assert completed.returncode == 0, tools.output_of(completed)
    assert "Would install" not in completed.stdout, tools.output_of(completed)
    assert re.search(r"Requirement already satisfied: boto3>=", completed.stdout), tools.output_of(completed)
    assert re.search(r"serverless\.aws_lambda\s+0\.1\.0", completed.stdout), tools.output_of(completed)
    assert (collections / "ansible_collections" / "serverless" / "aws_lambda" / "MANIFEST.json").is_file()


@pytest.mark.parametrize("path", ["examples/awx_requirements.yml", "examples/execution-environment.yml"])
def test_files_the_commands_name_exist(tools, path):
    assert any(path in block for block in bash_blocks(tools)), path
    assert os.path.isfile(os.path.join(tools.ROOT, path))
