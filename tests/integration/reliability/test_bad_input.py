# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails with a message that names the option, before any AWS call.

The corpus of bad values is in the unit tests; here runs one case per way the real module refuses input
(the integration target keeps only the inputs AWS has to answer: a function, version or alias that does
not exist). All cases run in one playbook
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


# The module's own refusal of each option (the values: test_options, test_function_name, test_destinations),
# what ansible-core's argument handling does first (aliases, conversions, required_one_of, the connection's
# region), and booleans, which ansible-core's int conversion lets through.
CASES = [
    case("retries-3", "maximum_retry_attempts", "out of range", maximum_retry_attempts=3),
    case("retries-word", "maximum_retry_attempts", "convert", core=True, maximum_retry_attempts="two"),
    case("retries-true", "maximum_retry_attempts", "boolean", maximum_retry_attempts=True),
    case("name-missing", "function_name", "one of the following is required", core=True, function_name=OMITTED),
    case("name-alias-empty", "function_name", "must not be empty", function_name=OMITTED, name=""),
    case("name-list", "function_name", "not a Lambda function name", function_name=["a", "b"]),
    case(
        "arn-wrong-region",
        "function_name",
        "region eu-west-1",
        function_name=f"arn:aws:lambda:eu-west-1:{ACCOUNT}:function:{FUNCTION}",
    ),
    case("qualifier-empty", "qualifier", "not a valid qualifier", qualifier=""),
    case("state-unknown", "state", "must be one of", core=True, state="deleted"),
    case("destinations-number", CORE_NAMES_NO_OPTION, "", core=True, destination_config=5),
    case("destinations-string", CORE_NAMES_NO_OPTION, "dictionary requested", core=True, destination_config=QUEUE),
    case(
        "destination-s3-on-success",
        "destination_config.on_success.destination",
        "on_failure destination only",
        destination_config=destination("on_success", "arn:aws:s3:::reliability-failed-events"),
    ),
    # A function is its own destination only in its own account, so the self case names the function by
    # ARN: a bare name leaves the account unknown until AWS answers.
    case(
        "destination-self",
        "destination_config.on_failure.destination",
        "its own destination",
        function_name=FUNCTION_ARN,
        destination_config=destination("on_failure", FUNCTION_ARN),
    ),
    case("retry-timeout-true", "destination_retry_timeout", "boolean", destination_retry_timeout=True),
    case("unknown-option", "bogus_option", "Unsupported parameters", core=True, bogus_option=1),
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
