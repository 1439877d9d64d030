# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Galaxy's importer (galaxy-importer, in .venv-importer from `make matrix-setup`) on the built tarball.

Galaxy renders a collection's module pages from what the importer records. It runs ansible-doc with only the
imported collection on ANSIBLE_COLLECTIONS_PATH, so the modules' amazon.aws doc fragments resolve only when
amazon.aws is importable from the importer's Python; without it the importer records no module documentation
and still succeeds (it logs ansible-doc's failure among its messages; the README says what Galaxy needs).
"""

import json
import os

import pytest

IMPORTER = ".venv-importer"


def run_importer(tools, tarball, tmp_path, amazon_aws):
    path = os.path.join(tools.ROOT, IMPORTER, "bin")
    if not os.path.exists(os.path.join(path, "ansible-doc")):
        if os.environ.get("VERSION_MATRIX") == "required":
            pytest.fail(f"{IMPORTER} is missing: run `make matrix-setup`")
        pytest.skip(f"{IMPORTER} is missing: run `make matrix-setup`")
    extra = tmp_path / "extra"
    (extra / "ansible_collections").mkdir(parents=True)
    if amazon_aws:  # amazon.aws importable from the importer's Python, as ansible finds collections on sys.path
        import ansible_collections.amazon.aws as found  # noqa: PLC0415 - the copy the suite runs with

        os.symlink(os.path.dirname(list(found.__path__)[0]), extra / "ansible_collections" / "amazon")
    env = tools.bare_env(PATH=path + os.pathsep + os.environ["PATH"], PYTHONPATH=str(extra), HOME=str(tmp_path))
    completed = tools.run(
        [os.path.join(path, "python"), "-m", "galaxy_importer.main", "--print-result", str(tarball)],
        env=env,
        cwd=str(tmp_path),
    )
    assert completed.returncode == 0, tools.output_of(completed)
    result = json.loads(completed.stdout[completed.stdout.index("\n{") + 1 :])
    modules = {
        content["content_name"]: content["doc_strings"]
        for content in result["docs_blob"]["contents"]
        if content["content_type"] == "module"
    }
    return completed, result, modules


def test_the_importer_records_every_module_s_docs_with_amazon_aws(tools, collection_tarball, tmp_path):
    completed, result, modules = run_importer(tools, collection_tarball, tmp_path, amazon_aws=True)
    assert sorted(modules) == sorted((*tools.MODULES, tools.REPORT_MODULE))
    assert modules[tools.REPORT_MODULE]["doc"]["module"] == tools.REPORT_MODULE
    for name, doc_strings in ((name, modules[name]) for name in tools.MODULES):
        doc = doc_strings["doc"]
        assert doc["module"] == name
        assert doc["attributes"]["check_mode"]["support"] == "full"
        assert "region" in [option["name"] for option in doc["options"]], "amazon.aws's connection options are rendered"
        assert doc_strings["return"], name
    assert result["metadata"]["dependencies"] == {"amazon.aws": ">=10.0.0"}
    assert "ERROR" not in completed.stdout


def test_without_amazon_aws_the_importer_records_no_module_docs(tools, collection_tarball, tmp_path):
    """What the README warns of: the import succeeds, and the module pages would be empty (the importer documents
    all modules in one ansible-doc run, which fails as a whole, the report module's page included)."""
    _completed, _result, modules = run_importer(tools, collection_tarball, tmp_path, amazon_aws=False)
    assert modules == dict.fromkeys((*tools.MODULES, tools.REPORT_MODULE))
