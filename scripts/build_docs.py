# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the collection's documentation site as users browse it (``make docs``).

The same steps as the ``build.sh`` that ``antsibull-docs sphinx-init`` writes: sphinx-init for this
collection, ``antsibull-docs collection`` (module pages, the user guides of docs/docsite/rst, indexes), the
release notes (CHANGELOG.rst) and Sphinx, with warnings turned into errors. The site lands in
``.build/docs/build/html`` (or DEST/build/html).

Offline by design: the intersphinx inventory for the Ansible documentation (the module pages link to its
"common return values" and "configuration settings" pages) is written here from the few labels the pages
use, instead of being downloaded from docs.ansible.com.

Usage: python scripts/build_docs.py [DEST]   (run with the Python of .venv)
"""

import os
import shutil
import subprocess
import sys
import zlib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTION = "serverless.aws_lambda"
ANSIBLE_DOCS = "https://docs.ansible.com/projects/ansible/devel/"
# label -> (page#anchor, title) in the Ansible documentation, for the references antsibull-docs writes.
ANSIBLE_LABELS = {
    "common_return_values": ("reference_appendices/common_return_values.html#common-return-values", "Return Values"),
    "ansible_configuration_settings": (
        "reference_appendices/config.html#ansible-configuration-settings",
        "Ansible Configuration Settings",
    ),
}

# Environment variables the inventory plugin's cache options (ansible.builtin's inventory_cache fragment) name; the
# Ansible documentation describes them on its configuration page.
ANSIBLE_ENVVARS = (
    "ANSIBLE_CACHE_PLUGIN",
    "ANSIBLE_CACHE_PLUGIN_CONNECTION",
    "ANSIBLE_CACHE_PLUGIN_PREFIX",
    "ANSIBLE_CACHE_PLUGIN_TIMEOUT",
)


# The start page (instead of sphinx-init's placeholder "Welcome to my Ansible collection documentation").
INDEX_RST = """\
.. _docsite_root_index:

serverless.aws_lambda
=====================

Idempotent management of AWS Lambda asynchronous invocation settings (retries, maximum event age and
destinations) per function, version and alias, for Ansible. Start with the
:ref:`collection page <plugins_in_serverless.aws_lambda>`: its modules and its user guides.

.. toctree::
   :maxdepth: 2
   :caption: Collection:

   collections/serverless/aws_lambda/index

.. toctree::
   :maxdepth: 1
   :caption: Plugin indexes:
   :glob:

   collections/index_*

.. toctree::
   :maxdepth: 1
   :caption: Reference indexes:

   collections/environment_variables

.. toctree::
   :maxdepth: 1
   :caption: Release notes:

   release_notes
"""


def write_inventory(path):
    """A Sphinx (version 2) intersphinx inventory with the labels of ANSIBLE_LABELS and ANSIBLE_ENVVARS."""
    lines = "".join(f"{label} std:label -1 {uri} {title}\n" for label, (uri, title) in sorted(ANSIBLE_LABELS.items()))
    lines += "".join(
        f"{name} std:envvar -1 reference_appendices/config.html#envvar-{name} -\n" for name in ANSIBLE_ENVVARS
    )
    header = "# Sphinx inventory version 2\n# Project: Ansible\n# Version: devel\n"
    header += "# The remainder of this file is compressed using zlib.\n"
    with open(path, "wb") as stream:
        stream.write(header.encode("utf-8") + zlib.compress(lines.encode("utf-8")))


def run(command, env, cwd):
    print("$ " + " ".join(command), flush=True)
    completed = subprocess.run(command, env=env, cwd=cwd, check=False)
    if completed.returncode:
        sys.exit(completed.returncode)


def main():
    dest = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, ".build", "docs"))
    bin_dir = os.path.dirname(sys.executable)
    env = dict(os.environ)
    env["PATH"] = bin_dir + os.pathsep + env.get("PATH", "")
    # The source tree as the collection (the Makefile's link); amazon.aws comes from site-packages.
    env["ANSIBLE_COLLECTIONS_PATH"] = os.path.join(ROOT, ".build", "collections")
    shutil.rmtree(dest, ignore_errors=True)
    os.makedirs(dest)

    index = os.path.join(dest, "index-source.rst")
    with open(index, "w", encoding="utf-8") as stream:
        stream.write(INDEX_RST)
    run(
        [
            os.path.join(bin_dir, "antsibull-docs"),
            "sphinx-init",
            "--index-rst-source",
            index,
            "--use-current",
            "--fail-on-error",
            "--dest-dir",
            dest,
            "--project",
            COLLECTION,
            "--copyright",
            "serverless.aws_lambda maintainers",
            "--title",
            "serverless.aws_lambda collection documentation",
            "--html-short-title",
            COLLECTION,
            COLLECTION,
        ],
        env,
        ROOT,
    )
    write_inventory(os.path.join(dest, "ansible_devel.inv"))
    with open(os.path.join(dest, "conf.py"), "a", encoding="utf-8") as conf:
        conf.write(
            "\n# serverless.aws_lambda (scripts/build_docs.py): only the Ansible documentation, from a local inventory.\n"
            f"intersphinx_mapping = {{'ansible_devel': ({ANSIBLE_DOCS!r}, ('../ansible_devel.inv',))}}\n"
        )
    rst = os.path.join(dest, "rst")
    os.chmod(rst, 0o755)  # antsibull-docs wants it writable by its owner only, as build.sh does
    run(
        [
            os.path.join(bin_dir, "antsibull-docs"),
            "--config-file",
            "antsibull-docs.cfg",
            "collection",
            "--cleanup",
            "everything",
            "--fail-on-error",
            "--use-current",
            "--dest-dir",
            "rst",
            COLLECTION,
        ],
        env,
        dest,
    )
    # The shipped CHANGELOG.rst (antsibull-changelog's rendering of changelogs/changelog.yaml) as a page.
    shutil.copy2(os.path.join(ROOT, "CHANGELOG.rst"), os.path.join(rst, "release_notes.rst"))
    run(
        [os.path.join(bin_dir, "sphinx-build"), "-M", "html", "rst", "build", "-c", ".", "-W", "--keep-going"],
        env,
        dest,
    )
    print("HTML site: " + os.path.join(dest, "build", "html", "index.html"))


if __name__ == "__main__":
    main()
