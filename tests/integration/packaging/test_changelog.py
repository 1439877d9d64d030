# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The release notes: changelogs/changelog.yaml holds the 0.1.0 release, CHANGELOG.rst is antsibull-changelog's
rendering of it, and fragments added after the release (changelogs/fragments) lint and go into the next one.

Every antsibull-changelog run that writes works in a copy, never in the source tree.
"""

import os
import pathlib
import re
import shutil

import yaml

# What antsibull-changelog needs: its config, changelog.yaml and fragments, galaxy.yml for the collection's
# identity, the plugins with meta/ so that it finds the modules, and the generated CHANGELOG.rst.
RELEASE_INPUTS = ("changelogs", "galaxy.yml", "plugins", "meta", "CHANGELOG.rst")
FIRST_RELEASE = "0.1.0"


def release_copy(tools, destination):
    for name in RELEASE_INPUTS:
        source = os.path.join(tools.ROOT, name)
        if os.path.isdir(source):
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__", ".plugin-cache.yaml")
            )
        else:
            shutil.copy2(source, destination / name)
    (destination / "changelogs" / "fragments").mkdir(exist_ok=True)


def changes(path):
    return yaml.safe_load((path / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))


def test_fragments_and_changelog_yaml_lint(tools):
    completed = tools.run(["antsibull-changelog", "lint"])
    assert completed.returncode == 0, tools.output_of(completed)
    assert completed.stdout.strip() == "", tools.output_of(completed)
    lint = tools.run(["antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml"])
    assert lint.returncode == 0, tools.output_of(lint)


def test_first_release_lists_both_modules_a_summary_and_no_bugfixes(tools):
    release = yaml.safe_load(open(os.path.join(tools.ROOT, "changelogs", "changelog.yaml"), encoding="utf-8"))
    release = release["releases"][FIRST_RELEASE]
    assert sorted(module["name"] for module in release["modules"]) == sorted(tools.MODULES)
    assert release["changes"]["release_summary"].startswith("First release")
    # Nothing was released before 0.1.0, so nothing in it can be a bug fix.
    assert "bugfixes" not in release["changes"]


def test_the_version_galaxy_builds_has_all_its_release_notes(tools):
    """A tarball ships CHANGELOG.rst: if galaxy.yml still builds a released version, no change may wait in a
    fragment (that version's notes would leave it out); after a release, a new fragment needs a newer version."""
    version = tools.load_yaml("galaxy.yml")["version"]
    released = changes(pathlib.Path(tools.ROOT))["releases"]
    pending = sorted(path.name for path in (pathlib.Path(tools.ROOT) / "changelogs" / "fragments").glob("*.y*ml"))
    if version in released:
        assert pending == [], f"galaxy.yml builds {version}, released without the changes of {pending}"
    else:
        newest = max(released, key=version_key)
        assert version_key(version) > version_key(newest), (version, newest)


def version_key(version):
    return tuple(int(part) for part in version.split("."))


def test_shipped_changelog_is_what_antsibull_changelog_generates(tools, tmp_path):
    release_copy(tools, tmp_path)
    (tmp_path / "CHANGELOG.rst").unlink()
    completed = tools.run(["antsibull-changelog", "generate"], cwd=str(tmp_path))
    assert completed.returncode == 0, tools.output_of(completed)
    with open(os.path.join(tools.ROOT, "CHANGELOG.rst"), encoding="utf-8") as stream:
        shipped = stream.read()
    assert (tmp_path / "CHANGELOG.rst").read_text(encoding="utf-8") == shipped
    assert re.search(rf"^v{re.escape(FIRST_RELEASE)}\n=+$", shipped, re.MULTILINE)
    rst = tools.run(["rstcheck", "--report-level", "WARNING", "CHANGELOG.rst"])
    assert rst.returncode == 0, tools.output_of(rst)


def test_a_fragment_added_after_the_release_goes_into_the_next_one(tools, tmp_path):
    release_copy(tools, tmp_path)
    late = "lambda_event_invoke_config - a change made after 0.1.0."
    (tmp_path / "changelogs" / "fragments" / "late.yml").write_text(
        yaml.safe_dump({"bugfixes": [late]}), encoding="utf-8"
    )
    completed = tools.run(["antsibull-changelog", "release", "--version", "0.2.0"], cwd=str(tmp_path))
    assert completed.returncode == 0, tools.output_of(completed)
    released = changes(tmp_path)["releases"]
    assert released[FIRST_RELEASE] == changes(pathlib.Path(tools.ROOT))["releases"][FIRST_RELEASE]
    assert late in released["0.2.0"]["changes"]["bugfixes"]
    assert late in (tmp_path / "CHANGELOG.rst").read_text(encoding="utf-8")
