# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The HTML documentation site `make docs` builds (antsibull-docs sphinx-init, then Sphinx), and
`antsibull-docs lint-collection-docs --plugin-docs`."""

import os
import sys

import ansible
import pytest

SITE_PAGES = (
    "index.html",
    "collections/serverless/aws_lambda/index.html",
    "collections/serverless/aws_lambda/lambda_event_invoke_config_module.html",
    "collections/serverless/aws_lambda/lambda_event_invoke_config_info_module.html",
    "collections/serverless/aws_lambda/docsite/guide_event_invoke_config.html",
    "collections/serverless/aws_lambda/docsite/guide_destinations.html",
    "collections/serverless/aws_lambda/docsite/guide_execution_environments.html",
    "release_notes.html",
)


@pytest.fixture(scope="module")
def site(tools, tmp_path_factory):
    dest = tmp_path_factory.mktemp("docsite")
    completed = tools.run([sys.executable, os.path.join(tools.ROOT, "scripts", "build_docs.py"), str(dest)])
    return completed, dest / "build" / "html"


def test_site_builds_without_warnings(tools, site):
    completed, _html = site
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, tools.output_of(completed)
    assert "build succeeded." in output, tools.output_of(completed)
    assert "WARNING" not in output, tools.output_of(completed)


@pytest.mark.parametrize("page", SITE_PAGES)
def test_page_exists(site, page):
    _completed, html = site
    assert (html / page).is_file(), sorted(str(path.relative_to(html)) for path in html.rglob("*.html"))


def test_cross_references_resolve(site):
    _completed, html = site
    guide = (html / SITE_PAGES[-2]).read_text(encoding="utf-8")
    # The installation guide links both module pages and the other guide, relative to its own page.
    assert 'href="../lambda_event_invoke_config_module.html' in guide
    assert 'href="../lambda_event_invoke_config_info_module.html' in guide
    assert 'href="guide_event_invoke_config.html' in guide
    module = (html / SITE_PAGES[2]).read_text(encoding="utf-8")
    # antsibull-docs' reference to Ansible's common return values, through the offline inventory.
    assert "reference_appendices/common_return_values.html#common-return-values" in module
    collection = (html / SITE_PAGES[1]).read_text(encoding="utf-8")
    assert "docsite/guide_event_invoke_config.html" in collection
    assert "docsite/guide_execution_environments.html" in collection
    assert "docsite/guide_destinations.html" in collection
    index = (html / "index.html").read_text(encoding="utf-8")
    assert "Welcome to my Ansible collection documentation" not in index
    assert 'href="release_notes.html"' in index
    assert "v0.1.0" in (html / SITE_PAGES[-1]).read_text(encoding="utf-8")


def test_lint_collection_docs_with_plugin_docs(tools):
    collections = os.path.join(tools.ROOT, ".build", "collections")
    site_packages = os.path.dirname(os.path.dirname(ansible.__file__))
    env = tools.bare_env(
        ANSIBLE_COLLECTIONS_PATH=collections,
        # amazon.aws (a dependency antsibull-docs copies) lives in .venv, inside this git work tree: without a
        # ceiling antsibull-docs takes it for a git checkout and copies only its tracked files (none).
        GIT_CEILING_DIRECTORIES=site_packages,
    )
    completed = tools.run(
        ["antsibull-docs", "lint-collection-docs", "--plugin-docs", "."],
        env=env,
        cwd=os.path.join(collections, "ansible_collections", "serverless", "aws_lambda"),
    )
    assert completed.returncode == 0, tools.output_of(completed)
    assert completed.stdout.strip() == "", tools.output_of(completed)
