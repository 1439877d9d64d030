# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""examples/awx_job_templates.yml (AWX as code with awx.awx) is well formed; it cannot run without AWX.

ansible-lint's production profile, with its args rule enabled (ansible-lint 26 leaves that rule out of the
production profile unless enabled), checks every task's arguments against the awx.awx modules' own argument
specs (args[module]); a broken copy proves that check is active on both job templates. A syntax check and the
structure the guide promises (two job templates, check with diff and run with a survey, both on the job
playbook whose variables the survey sets) complete it.
"""

import os
import re

import pytest
import yaml

SETUP = "examples/awx_job_templates.yml"
JOB = "examples/event_invoke_config_job.yml"
GUIDE = "docs/docsite/rst/guide_execution_environments.rst"


LINT = ("ansible-lint", "--nocolor", "--enable-list", "args")


def lint_env(tools):
    return tools.bare_env(ANSIBLE_COLLECTIONS_PATH=os.path.join(tools.ROOT, ".build", "collections"))


def tasks_of(tools, module):
    return [task[module] for play in tools.load_yaml(SETUP) for task in play["tasks"] if module in task]


def test_ansible_lint_production_profile_with_awx_specs(tools):
    completed = tools.run([*LINT, SETUP, JOB], env=lint_env(tools))
    output = completed.stdout + completed.stderr
    assert completed.returncode == 0, tools.output_of(completed)
    assert "Profile 'production' was required, and it passed" in output, output[-5000:]


def test_ansible_lint_rejects_arguments_awx_awx_does_not_accept(tools, tmp_path):
    with open(os.path.join(tools.ROOT, SETUP), encoding="utf-8") as stream:
        text = stream.read()
    broken = text.replace("job_type: check\n", "job_type: dry-run\n").replace("job_type: run\n", "job_type: dry-run\n")
    assert broken.count("job_type: dry-run\n") == 2
    # Run from the repository root, so that its .ansible-lint (production profile) applies.
    path = tmp_path / "awx_job_templates.yml"
    path.write_text(broken, encoding="utf-8")
    completed = tools.run([*LINT, str(path)], env=lint_env(tools))
    output = completed.stdout + completed.stderr
    assert completed.returncode != 0, tools.output_of(completed)
    assert output.count("args[module]: value of job_type must be one of: run, check, got: dry-run") == 2, output


@pytest.mark.parametrize("playbook", [SETUP, JOB])
def test_syntax_check(tools, playbook):
    completed = tools.run(["ansible-playbook", "--syntax-check", "-i", "localhost,", playbook], env=lint_env(tools))
    assert completed.returncode == 0, tools.output_of(completed)


def test_job_templates_are_a_drift_check_and_a_surveyed_apply(tools):
    templates = {template["job_type"]: template for template in tasks_of(tools, "awx.awx.job_template")}
    assert sorted(templates) == ["check", "run"]
    check, apply = templates["check"], templates["run"]
    assert check["diff_mode"] is True
    assert not check.get("survey_enabled")
    assert apply["survey_enabled"] is True
    job_vars = tools.load_yaml(JOB)[0]["vars"]
    surveyed = {question["variable"] for question in apply["survey_spec"]["spec"]}
    # The survey sets the job playbook's settings, and only variables the playbook has.
    assert {"function_name", "qualifier", "maximum_retry_attempts", "maximum_event_age_in_seconds"} <= surveyed
    assert surveyed <= set(job_vars)
    assert tools.load_yaml(SETUP)[0]["vars"]["awx_playbook"] == JOB
    for template in (check, apply):
        assert template["playbook"] == "{{ awx_playbook }}"
        assert template["credentials"] == [tasks_of(tools, "awx.awx.credential")[0]["name"]]
        assert template["execution_environment"] == tasks_of(tools, "awx.awx.execution_environment")[0]["name"]
    (host,) = tasks_of(tools, "awx.awx.host")
    assert host["variables"]["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"


def test_guide_walks_through_the_example(tools):
    with open(os.path.join(tools.ROOT, GUIDE), encoding="utf-8") as stream:
        guide = stream.read()
    assert SETUP in guide and JOB in guide
    for module in ("execution_environment", "project", "inventory", "host", "credential", "job_template"):
        assert re.search(rf"awx\.awx\.{module}\b", guide), module


def awx_refusals(question):
    """What AWX's survey validation (JobTemplateSurveySpec) refuses in one question, as its messages say."""
    default = question.get("default")
    if question["type"] == "integer":
        bounds = [question[key] for key in ("min", "max") if key in question]
        if not all(isinstance(bound, int) for bound in bounds):
            return [f"min and max of {question['variable']} expected to be integers"]
        if not isinstance(default, int) or isinstance(default, bool):
            return [f"Default value {default!r} in survey question {question['variable']} expected to be integer."]
        if bounds and not question["min"] <= default <= question["max"]:
            return [f"Default value {default} of {question['variable']} is out of range"]
    elif question["type"] == "multiplechoice" and default not in question["choices"]:
        return [f"Default choice {default!r} of {question['variable']} is not one of the choices"]
    elif question["type"] == "text" and not isinstance(default, str):
        return [f"Default value {default!r} of {question['variable']} expected to be a string."]
    return []


# Where awx.awx's job_template module sends survey_spec as ansible-core templated it (the module posts it
# unchanged), with the play's variables; a templated integer shows why the example uses YAML anchors.
ECHO_TASKS = [
    {"name": "Template the survey as the job_template task does", "ansible.builtin.debug": {"msg": None}},
    {
        "name": "Write it as JSON, types kept",
        "ansible.builtin.copy": {"content": "{{ templated.msg | to_json }}", "dest": None, "mode": "0600"},
    },
]


@pytest.mark.parametrize(
    ("venv", "templated_integer"), [(".venv-core217", str), (".venv", int), (".venv-core221", int)]
)
def test_survey_spec_is_what_awx_accepts(tools, tmp_path, venv, templated_integer):
    binary = os.path.join(tools.ROOT, venv, "bin", "ansible-playbook")
    if not os.path.exists(binary):
        if os.environ.get("VERSION_MATRIX") == "required":
            pytest.fail(f"{venv} is missing: run `make matrix-setup`")
        pytest.skip(f"{venv} is missing: run `make matrix-setup`")
    play = tools.load_yaml(SETUP)[0]
    (apply,) = [t for t in tasks_of(tools, "awx.awx.job_template") if t.get("survey_enabled")]
    control = {"control": "{{ awx_desired.maximum_event_age_in_seconds }}"}
    tasks = yaml.safe_load(yaml.safe_dump(ECHO_TASKS))
    tasks[0]["ansible.builtin.debug"]["msg"] = {"survey_spec": apply["survey_spec"], **control}
    tasks[0]["register"] = "templated"
    tasks[1]["ansible.builtin.copy"]["dest"] = str(tmp_path / "survey.json")
    playbook = tmp_path / "survey.yml"
    playbook.write_text(
        yaml.safe_dump(
            [
                {
                    "hosts": "localhost",
                    "gather_facts": False,
                    "vars": dict(play["vars"], ansible_python_interpreter="{{ ansible_playbook_python }}"),
                    "tasks": tasks,
                }
            ]
        ),
        encoding="utf-8",
    )
    completed = tools.run([binary, "-i", "localhost,", "-c", "local", str(playbook)])
    assert completed.returncode == 0, tools.output_of(completed)
    sent = yaml.safe_load((tmp_path / "survey.json").read_text(encoding="utf-8"))
    questions = sent["survey_spec"]["spec"]
    assert [refusal for question in questions for refusal in awx_refusals(question)] == []
    integers = {q["variable"]: q["default"] for q in questions if q["type"] == "integer"}
    assert integers == {"maximum_retry_attempts": 1, "maximum_event_age_in_seconds": 3600}
    assert isinstance(sent["control"], templated_integer)


def test_without_the_aws_keys_the_setup_stops_before_touching_awx(tools):
    """AWX writes the credential's keys only on creation (update_secrets: false): the play asserts them first."""
    env = tools.bare_env(ANSIBLE_COLLECTIONS_PATH=os.path.join(tools.ROOT, ".build", "collections"))
    completed = tools.run(
        [
            "ansible-playbook",
            "-i",
            "localhost,",
            "-e",
            "ansible_python_interpreter={{ ansible_playbook_python }}",
            SETUP,
        ],
        env=env,
    )
    assert completed.returncode != 0
    assert "Export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY" in completed.stdout, tools.output_of(completed)
    assert re.search(r"ok=0\s+changed=0\s+unreachable=0\s+failed=1", completed.stdout), tools.output_of(completed)


def test_one_image_tag_in_the_readme_the_guide_and_the_examples(tools):
    texts = [
        open(os.path.join(tools.ROOT, path), encoding="utf-8").read()
        for path in ("README.md", GUIDE, SETUP, "examples/execution-environment.yml")
    ]
    tags = {tag for text in texts for tag in re.findall(r"[\w./-]*serverless-aws-lambda[\w.-]*:\d+\.\d+\.\d+", text)}
    assert tags == {"registry.example.com/ee/serverless-aws-lambda:0.2.0"}


ORG_SETUP = "examples/awx_org_workflow.yml"
ORG_JOBS = ("examples/org_audit_job.yml", "examples/org_report_job.yml")


def test_org_workflow_passes_ansible_lint_with_awx_specs(tools):
    completed = tools.run([*LINT, ORG_SETUP, *ORG_JOBS], env=lint_env(tools))
    assert completed.returncode == 0, tools.output_of(completed)
    for playbook in (ORG_SETUP, *ORG_JOBS):
        check = tools.run(["ansible-playbook", "--syntax-check", "-i", "localhost,", playbook], env=lint_env(tools))
        assert check.returncode == 0, tools.output_of(check)


def test_org_workflow_slices_the_audit_and_merges_the_parts_in_its_last_node(tools):
    (play,) = tools.load_yaml(ORG_SETUP)
    tasks = {name: [task[name] for task in play["tasks"] if name in task] for name in ("awx.awx.job_template",)}
    audit, report = tasks["awx.awx.job_template"]
    assert (audit["playbook"], report["playbook"]) == ORG_JOBS
    assert audit["job_slice_count"] == "{{ awx_slices }}" and play["vars"]["awx_slices"] > 1
    # The slices write parts to S3 and no report; the report node reads and then consumes them.
    assert audit["extra_vars"]["org_skip_report"] is True and report["extra_vars"]["org_consume_parts"] is True
    assert audit["extra_vars"]["report_bucket"] == report["extra_vars"]["report_bucket"]
    nodes = {
        task["awx.awx.workflow_job_template_node"]["identifier"]: task["awx.awx.workflow_job_template_node"]
        for task in play["tasks"]
        if "awx.awx.workflow_job_template_node" in task
    }
    assert nodes["audit"]["unified_job_template"] == audit["name"]
    assert nodes["audit"]["always_nodes"] == ["report"] and nodes["report"]["unified_job_template"] == report["name"]
    (source,) = [task["awx.awx.inventory_source"] for task in play["tasks"] if "awx.awx.inventory_source" in task]
    inventory = tools.load_yaml(source["source_path"])
    assert inventory["plugin"] == "serverless.aws_lambda.aws_organization"
    imported = [tools.load_yaml(job)[0]["ansible.builtin.import_playbook"] for job in ORG_JOBS]
    assert imported == ["serverless.aws_lambda.org_audit", "serverless.aws_lambda.org_report"]
