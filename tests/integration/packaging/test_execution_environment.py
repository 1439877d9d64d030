# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment metadata, and the example definition through ``ansible-builder create``.

No container engine is needed: ``create`` only writes the build context. The builder stage of a real
build runs the context's own introspect.py on the installed collections; the last test does the same.
"""

import os
import shutil
import sys
import tarfile

import yaml

COLLECTION_EE = "serverless/aws_lambda/meta/execution-environment.yml"


def read_yaml(path):
    with open(path, encoding="utf-8") as stream:
        return yaml.safe_load(stream)


def requirement_names(text):
    lines = (line.split("#", 1)[0].strip() for line in text.splitlines())
    return {line.split(">")[0].split("=")[0].split("<")[0].strip() for line in lines if line}


def test_collection_declares_its_ee_dependencies(tools):
    metadata = read_yaml(os.path.join(tools.ROOT, "meta", "execution-environment.yml"))
    assert metadata["version"] == 1
    assert metadata["dependencies"] == {"python": "requirements.txt", "system": "bindep.txt"}
    with open(os.path.join(tools.ROOT, "requirements.txt"), encoding="utf-8") as stream:
        assert {"boto3", "botocore"} <= requirement_names(stream.read())
    with open(os.path.join(tools.ROOT, "bindep.txt"), encoding="utf-8") as stream:
        packages = [line for line in stream.read().splitlines() if line.strip() and not line.startswith("#")]
    assert packages == [], "the modules need no system package; document any you add"


def build_context(tools, collection_tarball, tmp_path):
    """Copy the example definition and the built tarball side by side, as its comments say, then create."""
    workdir = tmp_path / "ee"
    workdir.mkdir()
    for name in ("execution-environment.yml", "requirements.yml"):
        shutil.copy2(os.path.join(tools.ROOT, "examples", name), workdir / name)
    shutil.copy2(collection_tarball, workdir / collection_tarball.name)
    completed = tools.run(
        [
            "ansible-builder",
            "create",
            "-f",
            str(workdir / "execution-environment.yml"),
            "-c",
            str(workdir / "context"),
            "--output-filename",
            "Containerfile",
        ],
        cwd=str(workdir),
    )
    assert completed.returncode == 0, tools.output_of(completed)
    return workdir / "context"


def test_example_names_the_tarball_the_build_produces(tools, collection_tarball):
    definition = read_yaml(os.path.join(tools.ROOT, "examples", "execution-environment.yml"))
    requirements = read_yaml(os.path.join(tools.ROOT, "examples", "requirements.yml"))
    assert definition["version"] == 3
    assert [entry["src"] for entry in definition["additional_build_files"]] == [collection_tarball.name]
    names = [entry["name"] for entry in requirements["collections"]]
    assert "amazon.aws" in names
    assert "{0}/{1}".format(definition["additional_build_files"][0]["dest"], collection_tarball.name) in names


def test_builder_create_writes_a_complete_context(tools, collection_tarball, tmp_path):
    context = build_context(tools, collection_tarball, tmp_path)
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-core" in containerfile
    assert "ansible-runner" in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert "introspect.py introspect" in containerfile

    requirements = read_yaml(context / "_build" / "requirements.yml")
    assert "amazon.aws" in [entry["name"] for entry in requirements["collections"]]
    shipped = context / "_build" / "collections" / collection_tarball.name
    assert shipped.is_file()
    with tarfile.open(shipped) as archive:
        metadata = yaml.safe_load(archive.extractfile("meta/execution-environment.yml"))
        python_requirements = archive.extractfile(metadata["dependencies"]["python"]).read().decode("utf-8")
        assert metadata["dependencies"]["system"] in archive.getnames()
    assert {"boto3", "botocore"} <= requirement_names(python_requirements)


def test_build_introspection_collects_boto3_and_botocore(tools, collection_tarball, tmp_path):
    context = build_context(tools, collection_tarball, tmp_path)
    collections = tmp_path / "usr-share-ansible-collections"
    installed = tools.run(
        [
            "ansible-galaxy",
            "collection",
            "install",
            "--no-deps",
            "-p",
            str(collections),
            str(context / "_build" / "collections" / collection_tarball.name),
        ],
        env=tools.bare_env(ANSIBLE_COLLECTIONS_PATH=str(collections)),
    )
    assert installed.returncode == 0, tools.output_of(installed)
    assert (collections / "ansible_collections" / COLLECTION_EE).is_file()

    pip_file, bindep_file = tmp_path / "requirements.txt", tmp_path / "bindep.txt"
    introspect = str(context / "_build" / "scripts" / "introspect.py")
    completed = tools.run(
        [
            sys.executable,
            introspect,
            "introspect",
            str(collections),
            "--write-pip",
            str(pip_file),
            "--write-bindep",
            str(bindep_file),
        ]
    )
    assert completed.returncode == 0, tools.output_of(completed)
    collected = pip_file.read_text(encoding="utf-8")
    assert "boto3>=1.34.0  # from collection serverless.aws_lambda" in collected
    assert "botocore>=1.34.0  # from collection serverless.aws_lambda" in collected
    assert not bindep_file.exists() or not bindep_file.read_text(encoding="utf-8").strip()
