# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The options of both modules, and their validation into Requests before any API call. Pure functions.

The argument specs are written once here: the module's top-level options, every ``configs`` item and
the info module all build from them. Validation reports every problem of a task in one message.
"""

from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import validate_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ABSENT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import PRESENT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SIDES

RANGES = {RETRIES: (0, 2), EVENT_AGE: (60, 21600)}
# The audit's metrics window: CloudWatch keeps one-minute data points for 15 days, so sums over at most that
# many hours are exact to the minute.
MAX_METRICS_HOURS = 15 * 24

_DESTINATION = dict(type="dict", options=dict(destination=dict(type="str", required=True)))

# The options of one config, at the task's top level and in every configs item. The top-level state and
# destination_retry_timeout have defaults (module_argument_spec), which items inherit.
CONFIG_OPTIONS = dict(
    function_name=dict(type="str", aliases=["name"]),
    qualifier=dict(type="str"),
    state=dict(type="str", choices=[PRESENT, ABSENT]),
    maximum_retry_attempts=dict(type="int"),
    maximum_event_age_in_seconds=dict(type="int"),
    destination_config=dict(type="dict", options=dict(on_success=_DESTINATION, on_failure=_DESTINATION)),
    destination_retry_timeout=dict(type="int"),
)
# The top-level values of these apply to every configs item that leaves them out.
DEFAULTED_OPTIONS = ("state", RETRIES, EVENT_AGE, "destination_config", "destination_retry_timeout")

# How fast a task calls Lambda: both modules take these (doc fragment serverless.aws_lambda.pacing).
PACING_OPTIONS = dict(workers=dict(type="int", default=4), max_requests_per_second=dict(type="int", default=10))


def module_argument_spec():
    """The argument spec of lambda_event_invoke_config."""
    item_spec = dict(
        CONFIG_OPTIONS,
        function_name=dict(CONFIG_OPTIONS["function_name"], required=True),
        # Read-only keys of lambda_event_invoke_config_info's items, accepted so those items round-trip
        # (strings: ansible's default type).
        function_arn=dict(),
        last_modified=dict(),
    )
    return dict(
        CONFIG_OPTIONS,
        state=dict(CONFIG_OPTIONS["state"], default=PRESENT),
        # IAM changes to an execution role usually reach Lambda within a minute or two.
        destination_retry_timeout=dict(type="int", default=120),
        configs=dict(type="list", elements="dict", options=item_spec),
        purge_configs=dict(type="bool", default=False),
        validate_destinations=dict(type="bool"),
        grant_destination_permissions=dict(type="bool", default=False),
        **PACING_OPTIONS,
    )


def info_argument_spec():
    """The argument spec of lambda_event_invoke_config_info."""
    return dict(
        function_name=CONFIG_OPTIONS["function_name"],
        qualifier=CONFIG_OPTIONS["qualifier"],
        destination_health=dict(type="bool", default=False),
        metrics_hours=dict(type="int"),
        **PACING_OPTIONS,
    )


# What the user asked for: the target, present or absent, the settings they manage (unmanaged settings
# are absent from ``managed``) and how long to retry a rejected destination.
Request = namedtuple("Request", "target state managed retry_timeout")


def _refuse_boolean(option, value, allowed):
    # Ansible's type=int lets booleans through (bool is an int).
    if isinstance(value, bool):
        raise InvalidOptionError(f"{option}={value} is a boolean, not a number: {allowed}.", option=option)


def _at_least(option, value, low, allowed):
    _refuse_boolean(option, value, allowed)
    if value < low:
        raise InvalidOptionError(f"{option}={value} is too small: {allowed}.", option=option)
    return value


def _within(option, value, low, high):
    allowed = f"use a whole number from {low} to {high}"
    _refuse_boolean(option, value, allowed)
    if not low <= value <= high:
        raise InvalidOptionError(f"{option}={value} is out of range: {allowed}.", option=option)
    return value


def validate_pacing(params):
    """Raise InvalidOptionError unless workers and max_requests_per_second are usable numbers."""
    _at_least("workers", params["workers"], 1, "use 1 or more")
    _at_least("max_requests_per_second", params["max_requests_per_second"], 0, "use 0 (no limit) or more")


def validate_metrics_hours(params):
    """Raise InvalidOptionError unless metrics_hours is left out or within what CloudWatch keeps by the minute."""
    if params["metrics_hours"] is not None:
        _within("metrics_hours", params["metrics_hours"], 1, MAX_METRICS_HOURS)


def _managed_destinations(destination_config, target, region):
    """Destination settings from the destination_config option: a side left out is removed."""
    managed = {}
    for side in SIDES:
        side_config = destination_config.get(side)
        if side_config is None:
            managed[side] = None
        else:
            managed[side] = validate_destination(side, side_config.get("destination"), target, region)
    return managed


def item_params(item, defaults):
    """The options of one ``configs`` item, with the task's top-level value for each it leaves out."""
    params = {option: item.get(option) for option in CONFIG_OPTIONS}
    for option in DEFAULTED_OPTIONS:
        if params[option] is None:
            params[option] = defaults[option]
    return params


def build_request(params, region=None):
    """Validate the options of one config and return the Request they describe. No API call is made.

    ``params`` has every option of CONFIG_OPTIONS, state and destination_retry_timeout set. Options left
    out (None) are not managed. ``destination_config``, when given, manages both destinations; a side
    left out of it means "no destination".
    """
    target = parse_function_name(params["function_name"], params["qualifier"], region)
    managed = {}
    for option in (RETRIES, EVENT_AGE):
        if params[option] is not None:
            managed[option] = _within(option, params[option], *RANGES[option])
    if params["destination_config"] is not None:
        managed.update(_managed_destinations(params["destination_config"], target, region))
    retry_timeout = _at_least(
        "destination_retry_timeout", params["destination_retry_timeout"], 0, "give a number of seconds (0 or more)"
    )
    return Request(target=target, state=params["state"], managed=managed, retry_timeout=retry_timeout)


def build_requests(labelled_items, defaults, region=None):
    """The Requests of every item, all validated before any API call.

    ``labelled_items`` is a list of (label, item): the label names the item in messages, None for a
    task that configures one config with its top-level options. Raises one InvalidOptionError that
    names every invalid item and every pair of items that address the same config.
    """
    labelled_requests = []
    problems = []
    for label, item in labelled_items:
        try:
            labelled_requests.append((label, build_request(item_params(item, defaults), region)))
        except InvalidOptionError as e:
            if label is None:
                raise
            problems.append(f"{label}: {e}")
    problems.extend(ambiguities(labelled_requests))
    if problems:
        count = f"{len(problems)} problems" if len(problems) > 1 else "1 problem"
        raise InvalidOptionError(f"{count} in configs, nothing was changed: " + " ".join(problems))
    return [request for _label, request in labelled_requests]


def ambiguities(labelled_requests):
    """Messages for every pair of requests that address the same config, or one function ambiguously.

    A function is known by its name: an unqualified name and ``$LATEST`` are one config, and so are a
    name, a partial ARN and a full ARN. One name with two accounts, or with and without an account, is
    refused: a bare name means the caller's account, which is not known before a call, and judging one
    from the other's configs would report or change the wrong function.
    """
    problems = []
    configs = {}
    accounts = {}
    for label, request in labelled_requests:
        target = request.target
        key = (target.name, target.key_qualifier)
        if key in configs:
            problems.append(
                f"{configs[key]} and {label} both address the config of {target.describe()}; "
                "give each config once (an unqualified function is the same config as $LATEST)."
            )
        configs.setdefault(key, label)
        account, first = accounts.setdefault(target.name, (target.account, label))
        if account != target.account:
            problems.append(
                f"{first} and {label} name function {target.name} with {_account(account)} and "
                f"{_account(target.account)}; name each function the same way in every item, and manage "
                "another account's functions in a task of its own."
            )
    return problems


def _account(account):
    return f"account {account}" if account else "no account (the caller's)"
