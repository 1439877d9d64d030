# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make screenshots``: the README as Galaxy renders it and the lambda_event_invoke_config page of ``make docs``,
in headless Chromium (``apt-get install chromium``), as PNG files in .build/screenshots/.

``python scripts/screenshots.py --org-report DIR`` shoots DIR/summary.html (an organisation report, e.g. the one
``benchmarks/org.py`` keeps) instead: org_report.png.

The README's HTML is galaxy-importer's (.venv-importer) from the built tarball; the module page is shown from
the top and with its Attributes first.
"""

import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, ".build", "screenshots")
MODULE_PAGE = os.path.join(
    ROOT,
    ".build",
    "docs",
    "build",
    "html",
    "collections",
    "serverless",
    "aws_lambda",
    "lambda_event_invoke_config_module.html",
)
README_STYLE = (
    "body{font-family:Helvetica,Arial,sans-serif;max-width:980px;margin:24px auto;padding:0 32px;line-height:1.5}"
    "h1,h2{border-bottom:1px solid #d1d9e0} code{background:#eff1f3;padding:.2em .4em;border-radius:6px}"
    "pre{background:#f6f8fa;padding:16px;border-radius:6px} pre code{background:none}"
    "td,th{border:1px solid #d1d9e0;padding:6px 13px} table{border-collapse:collapse}"
)
ATTRIBUTES_FIRST = (
    "<style>section#synopsis, section#requirements, section#parameters, .admonition.note {display:none}</style>"
)


def shoot(page, png, height):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        sys.exit("chromium is missing: apt-get install chromium")
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars"]
    command += ["--virtual-time-budget=8000", f"--window-size=1280,{height}", f"--screenshot={png}", f"file://{page}"]
    subprocess.run(command, check=True, capture_output=True)
    print(png)


def readme_html(workdir):
    """The README's HTML as galaxy-importer renders it from the tarball."""
    subprocess.run(
        [os.path.join(ROOT, ".venv", "bin", "ansible-galaxy"), "collection", "build", "--output-path", workdir, ROOT],
        check=True,
        capture_output=True,
    )
    (tarball,) = glob.glob(os.path.join(workdir, "*.tar.gz"))
    importer = os.path.join(ROOT, ".venv-importer", "bin", "python")
    completed = subprocess.run(
        [importer, "-m", "galaxy_importer.main", "--print-result", tarball],
        check=True,
        capture_output=True,
        text=True,
        cwd=workdir,  # it leaves importer_result.json in its working directory
    )
    result = json.loads(completed.stdout[completed.stdout.index("\n{") + 1 :])
    return result["docs_blob"]["collection_readme"]["html"]


def main():
    os.makedirs(OUT, exist_ok=True)
    if sys.argv[1:2] == ["--org-report"]:
        shoot(os.path.abspath(os.path.join(sys.argv[2], "summary.html")), os.path.join(OUT, "org_report.png"), 1600)
        return
    with tempfile.TemporaryDirectory() as workdir:
        html = readme_html(workdir)
    head = f"<!doctype html><html><head><meta charset='utf-8'><style>{README_STYLE}</style></head><body>"
    start = html.index("<h2>Try it without AWS</h2>")
    for name, body in (("readme_top", html), ("readme_try_it_without_aws", html[start:])):
        page = os.path.join(OUT, f"{name}.html")
        with open(page, "w", encoding="utf-8") as stream:
            stream.write(head + body + "</body></html>")
        shoot(page, os.path.join(OUT, f"{name}.png"), 1500)
    shoot(MODULE_PAGE, os.path.join(OUT, "module_page.png"), 1400)
    with open(MODULE_PAGE, encoding="utf-8") as stream:
        attributes_first = stream.read().replace("</head>", ATTRIBUTES_FIRST + "</head>", 1)
    page = os.path.join(os.path.dirname(MODULE_PAGE), "_attributes_first.html")  # beside it: relative CSS paths
    with open(page, "w", encoding="utf-8") as stream:
        stream.write(attributes_first)
    shoot(page, os.path.join(OUT, "module_page_attributes.png"), 1100)


if __name__ == "__main__":
    main()
