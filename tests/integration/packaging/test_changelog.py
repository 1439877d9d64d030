# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The changelog fragments lint, and a release made from them (in a copy, never in the source tree)."""

import os
import re
import shutil

import yaml

# What antsibull-changelog needs to release: its config and fragments, galaxy.yml for the collection's
# identity, and the plugins with meta/ so that it finds the new modules (their version_added).
RELEASE_INPUTS = ("changelogs", "galaxy.yml", "plugins", "meta")


def test_fragments_lint(tools):
    completed = tools.run(["antsibull-changelog", "lint"])
    assert completed.returncode == 0, tools.output_of(completed)
    assert completed.stdout.strip() == "", tools.output_of(completed)


def release_copy(tools, destination):
    for name in RELEASE_INPUTS:
        source = os.path.join(tools.ROOT, name)
        if os.path.isdir(source):
            shutil.copytree(
                source, destination / name, ignore=shutil.ignore_patterns("__pycache__", ".plugin-cache.yaml")
            )
        else:
            shutil.copy2(source, destination / name)


def release_summary(tools):
    fragments_dir = os.path.join(tools.ROOT, "changelogs", "fragments")
    summaries = []
    for name in sorted(os.listdir(fragments_dir)):
        with open(os.path.join(fragments_dir, name), encoding="utf-8") as stream:
            fragment = yaml.safe_load(stream) or {}
        if "release_summary" in fragment:
            summaries.append(" ".join(fragment["release_summary"].split()))
    assert len(summaries) == 1, "exactly one fragment must carry the release_summary"
    return summaries[0]


def test_release_lists_both_modules_and_the_summary(tools, tmp_path):
    fragments_dir = os.path.join(tools.ROOT, "changelogs", "fragments")
    fragments = sorted(os.listdir(fragments_dir))
    release_copy(tools, tmp_path)
    completed = tools.run(["antsibull-changelog", "release", "--version", "0.1.0"], cwd=str(tmp_path))
    assert completed.returncode == 0, tools.output_of(completed)

    changelog_rst = tmp_path / "CHANGELOG.rst"
    assert changelog_rst.is_file(), tools.output_of(completed)
    text = changelog_rst.read_text(encoding="utf-8")
    assert "v0.1.0" in text
    new_modules = text.split("New Modules", 1)[1]
    for module in tools.MODULES:
        assert re.search(rf"^- {module} - \S", new_modules, re.MULTILINE), module
    assert release_summary(tools) in " ".join(text.split())

    changes = yaml.safe_load((tmp_path / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    release = changes["releases"]["0.1.0"]
    assert sorted(module["name"] for module in release["modules"]) == sorted(tools.MODULES)
    lint = tools.run(["antsibull-changelog", "lint-changelog-yaml", "changelogs/changelog.yaml"], cwd=str(tmp_path))
    assert lint.returncode == 0, tools.output_of(lint)
    rst = tools.run(["rstcheck", "--report-level", "WARNING", str(changelog_rst)])
    assert rst.returncode == 0, tools.output_of(rst)

    # The release consumed the copied fragments (keep_fragments: false); the source tree's are untouched.
    assert not os.listdir(tmp_path / "changelogs" / "fragments")
    assert sorted(os.listdir(fragments_dir)) == fragments
