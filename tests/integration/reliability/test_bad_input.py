# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails with a message that names the option, before any AWS call.

This is the one home of the input-validation corpus (the integration target keeps only the inputs
AWS has to answer: a function, version or alias that does not exist). All cases run in one playbook
(bad_input.yml, a loop with ignore_errors), started by the first case and read by the others. The
whole run must make no AWS call at all, so no case wrote anything. When the module's own validation
refuses an input (not ansible-core's argument spec), the failure also carries the option in ``option``.
"""

import pytest
from reliability_support import ACCOUNT
from reliability_support import REGION

FUNCTION = "reliability-fn-00"
FUNCTION_ARN = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{FUNCTION}"
QUEUE = f"arn:aws:sqs:{REGION}:{ACCOUNT}:reliability-success"
OTHER_ACCOUNT = "999999999999"


def case(case_id, option, fragment="", core=False, **args):
    """A bad input: the module's arguments (function_name defaults to an existing function), the option
    the message must name, a fragment of the message (or a tuple of fragments), and whether ansible-core's argument validation
    refuses it (``core=True``: its failures carry no ``option`` field) rather than the module."""
    arguments = {"function_name": FUNCTION}
    arguments.update(args)
    arguments = {key: value for key, value in arguments.items() if value is not OMITTED}
    return pytest.param(arguments, {"option": option, "fragment": fragment, "core": core}, id=case_id)


OMITTED = object()
# ansible-core 2.19 limits, not the module's (its argument validation runs before the module's code):
# a string or list given for a dict option with suboptions is converted while no_log values are
# collected, and that error names no option; a number fails in set_fallbacks() (ansible/ansible#81631).
# For those cases (option None) the test asserts what still holds: a failure, no change, no AWS call.
CORE_NAMES_NO_OPTION = None


def destination(side, arn):
    return {side: {"destination": arn}}


CASES = [
    # maximum_retry_attempts: types and range
    case("retries-3", "maximum_retry_attempts", "out of range", maximum_retry_attempts=3),
    case("retries-negative", "maximum_retry_attempts", "out of range", maximum_retry_attempts=-1),
    case("retries-word", "maximum_retry_attempts", "convert", core=True, maximum_retry_attempts="two"),
    case("retries-list", "maximum_retry_attempts", "convert", core=True, maximum_retry_attempts=[1]),
    case("retries-dict", "maximum_retry_attempts", "convert", core=True, maximum_retry_attempts={"value": 1}),
    case("retries-fraction", "maximum_retry_attempts", "convert", core=True, maximum_retry_attempts=1.5),
    case("retries-true", "maximum_retry_attempts", "boolean", maximum_retry_attempts=True),
    case("retries-false", "maximum_retry_attempts", "boolean", maximum_retry_attempts=False),
    # maximum_event_age_in_seconds: types and range
    case("age-59", "maximum_event_age_in_seconds", "out of range", maximum_event_age_in_seconds=59),
    case("age-21601", "maximum_event_age_in_seconds", "out of range", maximum_event_age_in_seconds=21601),
    case("age-zero", "maximum_event_age_in_seconds", "out of range", maximum_event_age_in_seconds=0),
    case("age-word", "maximum_event_age_in_seconds", "convert", core=True, maximum_event_age_in_seconds="an hour"),
    case("age-fraction", "maximum_event_age_in_seconds", "convert", core=True, maximum_event_age_in_seconds=3600.5),
    case("age-true", "maximum_event_age_in_seconds", "boolean", maximum_event_age_in_seconds=True),
    # function_name: malformed names and ARNs
    case("name-missing", "function_name", "one of the following is required", core=True, function_name=OMITTED),
    case("name-empty", "function_name", "must not be empty", function_name=""),
    case("name-alias-empty", "function_name", "must not be empty", function_name=OMITTED, name=""),
    case("name-space", "function_name", "not a Lambda function name", function_name="my function"),
    case("name-too-long", "function_name", "not a Lambda function name", function_name="f" * 65),
    case("name-list", "function_name", "not a Lambda function name", function_name=["a", "b"]),
    case(
        "arn-no-name", "function_name", "not a Lambda function name", function_name=f"{FUNCTION_ARN[:-len(FUNCTION)]}"
    ),
    case("arn-other-service", "function_name", "not a Lambda function name", function_name="arn:aws:s3:::bucket"),
    case(
        "arn-short-account",
        "function_name",
        "not a Lambda function name",
        function_name=f"arn:aws:lambda:{REGION}:12345:function:{FUNCTION}",
    ),
    case("name-bad-qualifier", "function_name", "not a valid qualifier", function_name=f"{FUNCTION}:bad/qualifier"),
    case(
        "arn-wrong-region",
        "function_name",
        "region eu-west-1",
        function_name=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}",
    ),
    # qualifier: malformed and conflicting
    case("qualifier-empty", "qualifier", "not a valid qualifier", qualifier=""),
    case("qualifier-space", "qualifier", "not a valid qualifier", qualifier="my alias"),
    case("qualifier-too-long", "qualifier", "not a valid qualifier", qualifier="a" * 129),
    case("qualifier-lowercase-latest", "qualifier", "not a valid qualifier", qualifier="$latest"),
    case("qualifier-conflict-version", "qualifier", "must be equal", function_name=f"{FUNCTION}:1", qualifier="2"),
    case(
        "qualifier-conflict-arn-alias",
        "qualifier",
        "must be equal",
        function_name=f"{FUNCTION_ARN}:live",
        qualifier="$LATEST",
    ),
    # state
    case("state-unknown", "state", "must be one of", core=True, state="deleted"),
    case("state-capitalised", "state", "must be one of", core=True, state="Present"),
    # destination_config: shapes
    case("destinations-number", CORE_NAMES_NO_OPTION, "", core=True, destination_config=5),
    case("destinations-string", CORE_NAMES_NO_OPTION, "dictionary requested", core=True, destination_config=QUEUE),
    case("destinations-list", CORE_NAMES_NO_OPTION, "dictionary requested", core=True, destination_config=[QUEUE]),
    case(
        "destination-missing",
        "destination_config -> on_success",
        "missing required arguments: destination",
        core=True,
        destination_config={"on_success": {}},
    ),
    case(
        "destinations-unknown-side",
        "destination_config.on_error",
        "Unsupported parameters",
        core=True,
        destination_config={"on_error": {"destination": QUEUE}},
    ),
    case(
        "destination-empty",
        "destination_config.on_failure.destination",
        "must be a destination ARN",
        destination_config=destination("on_failure", ""),
    ),
    # destination_config: destinations AWS refuses, or accepts and then fails to deliver to. A function
    # is its own destination only in its own account, so the self cases name the function by ARN: a
    # bare name leaves the account unknown until AWS answers.
    case(
        "destination-not-arn",
        "destination_config.on_success.destination",
        "is not an ARN",
        destination_config=destination("on_success", "reliability-success"),
    ),
    case(
        "destination-kafka",
        "destination_config.on_failure.destination",
        "is not an ARN",
        destination_config=destination("on_failure", "kafka://topic"),
    ),
    case(
        "destination-iam",
        "destination_config.on_success.destination",
        "iam service",
        destination_config=destination("on_success", f"arn:aws:iam::{ACCOUNT}:role/reliability"),
    ),
    case(
        "destination-s3-on-success",
        "destination_config.on_success.destination",
        "on_failure destination only",
        destination_config=destination("on_success", "arn:aws:s3:::reliability-failed-events"),
    ),
    case(
        "destination-s3-with-region",
        "destination_config.on_failure.destination",
        "not a bucket ARN",
        destination_config=destination("on_failure", f"arn:aws:s3:{REGION}:{ACCOUNT}:reliability-failed-events"),
    ),
    case(
        "destination-fifo-queue",
        "destination_config.on_failure.destination",
        "FIFO queue",
        destination_config=destination("on_failure", f"{QUEUE}.fifo"),
    ),
    case(
        "destination-fifo-topic",
        "destination_config.on_success.destination",
        "FIFO topic",
        destination_config=destination("on_success", f"arn:aws:sns:{REGION}:{ACCOUNT}:reliability-topic.fifo"),
    ),
    case(
        "destination-self",
        "destination_config.on_failure.destination",
        "its own destination",
        function_name=FUNCTION_ARN,
        destination_config=destination("on_failure", FUNCTION_ARN),
    ),
    case(
        "destination-self-alias",
        "destination_config.on_success.destination",
        "its own destination",
        function_name=f"{FUNCTION_ARN}:1",
        destination_config=destination("on_success", f"{FUNCTION_ARN}:live"),
    ),
    case(
        "destination-queue-without-name",
        "destination_config.on_success.destination",
        "does not name an SQS queue",
        destination_config=destination("on_success", f"arn:aws:sqs:{REGION}:{ACCOUNT}:"),
    ),
    case(
        "destination-lambda-without-region",
        "destination_config.on_failure.destination",
        "lacks a region",
        destination_config=destination("on_failure", f"arn:aws:lambda::{ACCOUNT}:function:other"),
    ),
    case(
        "destination-too-long",
        "destination_config.on_failure.destination",
        "longer than 350",
        destination_config=destination("on_failure", f"arn:aws:sqs:{REGION}:{ACCOUNT}:" + "q" * 330),
    ),
    # destination_retry_timeout
    case("retry-timeout-negative", "destination_retry_timeout", "0 or more", destination_retry_timeout=-1),
    case("retry-timeout-word", "destination_retry_timeout", "convert", core=True, destination_retry_timeout="soon"),
    case("retry-timeout-true", "destination_retry_timeout", "boolean", destination_retry_timeout=True),
    # options the module does not have
    case("unknown-option", "bogus_option", "Unsupported parameters", core=True, bogus_option=1),
    case("misspelt-option", "maximum_retries", "Unsupported parameters", core=True, maximum_retries=1),
    case(
        "suboption-at-top-level", "on_success", "Unsupported parameters", core=True, on_success={"destination": QUEUE}
    ),
    # the connection's region
    case("region-malformed", "region", "", core=True, region="us east 1"),
    # pacing options: a boolean is not a rate or a worker count
    case(
        "rate-false",
        "max_requests_per_second",
        "max_requests_per_second=False is a boolean",
        max_requests_per_second=False,
    ),
    case("workers-true", "workers", "workers=True is a boolean", workers=True),
    # configs: the message names every refused item (so no single ``option`` is asserted: core=True).
    # A bare name and another account's ARN of one function are ambiguous, whatever the state.
    *[
        case(
            f"configs-bare-name-and-other-account-{state}",
            "configs[0]",
            ("configs[1]", OTHER_ACCOUNT),
            core=True,
            function_name=OMITTED,
            state=state,
            configs=[
                {"function_name": FUNCTION, "qualifier": "1"},
                {"function_name": f"{OTHER_ACCOUNT}:function:{FUNCTION}", "qualifier": "2"},
            ],
        )
        for state in ("present", "absent")
    ],
    case(
        "configs-invalid-items-and-duplicates",
        "configs[1]",
        ("configs[3]", "configs[0] and configs[2]", "configs[4] and configs[5]"),
        core=True,
        function_name=OMITTED,
        configs=[
            {"function_name": FUNCTION, "qualifier": "1"},
            {"function_name": FUNCTION, "qualifier": "2", "maximum_retry_attempts": 3},
            {"function_name": FUNCTION, "qualifier": "1"},
            {"function_name": FUNCTION, "qualifier": "3", "maximum_event_age_in_seconds": 59},
            {"function_name": FUNCTION, "qualifier": "4"},
            {"function_name": FUNCTION, "qualifier": "4"},
        ],
    ),
]


@pytest.fixture
def bad_input_outcome(request, shared_runs):
    """Per-case results and the run's call log; the playbook runs once, for the first case that asks."""
    if "bad_input" not in shared_runs:
        emulator = request.getfixturevalue("clean_emulator")
        run_playbook = request.getfixturevalue("run_playbook")
        request.getfixturevalue("aws").functions(1)
        emulator.clear_calls()
        cases = [param.values[0] for param in CASES]
        run = run_playbook("bad_input.yml", {"eic_cases": cases})
        results = run.results("Run the module with each bad input")
        assert len(results) == len(cases), run.output[-5000:]
        shared_runs["bad_input"] = {
            "results": {param.id: result for param, result in zip(CASES, results)},
            "calls": emulator.calls(),
        }
    return shared_runs["bad_input"]


@pytest.mark.xdist_group("bad_input")
@pytest.mark.parametrize(("arguments", "expected"), CASES)
def test_bad_input_fails_before_any_call(request, bad_input_outcome, arguments, expected):
    result = bad_input_outcome["results"][request.node.callspec.id]
    assert result.get("failed") is True, result
    assert result.get("changed") is False
    assert bad_input_outcome["calls"] == [], "no case may reach AWS, let alone write"
    fragments = expected["fragment"] if isinstance(expected["fragment"], tuple) else (expected["fragment"],)
    assert all(fragment in result["msg"] for fragment in fragments), result["msg"]
    if expected["option"] is not CORE_NAMES_NO_OPTION:
        assert expected["option"] in result["msg"]
    if not expected["core"]:
        assert result["option"] == expected["option"]
