# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Desired state, comparison and result shaping for Lambda event invoke configs. Pure functions.

Internally a config's settings are a flat dict with the four keys of ``SETTINGS``; None means unset
(AWS then applies its defaults: 2 retries, 21600 seconds, no destination). AWS's own shapes are
normalised on the way in (absent integers, ``{}`` destination sides) so that comparing never sees a
difference that is not there.
"""

from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import ON_FAILURE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import ON_SUCCESS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import undeliverable_warning
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import validate_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_sort_key

RETRIES = "maximum_retry_attempts"
EVENT_AGE = "maximum_event_age_in_seconds"
SIDES = (ON_SUCCESS, ON_FAILURE)
SETTINGS = (RETRIES, EVENT_AGE, ON_SUCCESS, ON_FAILURE)
EMPTY = dict.fromkeys(SETTINGS)

PRESENT = "present"
ABSENT = "absent"

RANGES = {RETRIES: (0, 2), EVENT_AGE: (60, 21600)}

# Default of destination_retry_timeout: IAM changes to an execution role usually reach Lambda within a
# minute or two.
DESTINATION_RETRY_TIMEOUT = 120

# The options of one config, as a task or a configs item gives them; the task's top-level values of
# DEFAULTED_OPTIONS apply to every item that leaves them out.
ITEM_OPTIONS = (
    "function_name",
    "qualifier",
    "state",
    RETRIES,
    EVENT_AGE,
    "destination_config",
    "destination_retry_timeout",
)
DEFAULTED_OPTIONS = ("state", RETRIES, EVENT_AGE, "destination_config", "destination_retry_timeout")
_API_INTEGERS = {RETRIES: "MaximumRetryAttempts", EVENT_AGE: "MaximumEventAgeInSeconds"}
_API_SIDES = {ON_SUCCESS: "OnSuccess", ON_FAILURE: "OnFailure"}

# What the user asked for: the target, present or absent, the settings they manage (unmanaged settings
# are absent from ``managed``) and how long to retry a rejected destination.
Request = namedtuple("Request", "target state managed retry_timeout")

# What to do: action is "none", "put", "update" or "delete"; params is the API body; after is the
# resulting settings (None: no config).
Plan = namedtuple("Plan", "action params after")


def _refuse_boolean(option, value, allowed):
    # Ansible's type=int lets booleans through (bool is an int); AWS refuses them in the request body.
    if isinstance(value, bool):
        raise InvalidOptionError(f"{option}={value} is a boolean, not a number: {allowed}.", option=option)


def _validate_range(option, value):
    low, high = RANGES[option]
    _refuse_boolean(option, value, f"use a whole number from {low} to {high}")
    if not low <= value <= high:
        raise InvalidOptionError(
            f"{option}={value} is out of range: use a whole number from {low} to {high}.",
            option=option,
        )
    return value


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


def validate_retry_timeout(value):
    """The destination_retry_timeout option: a number of seconds, 0 or more."""
    _refuse_boolean("destination_retry_timeout", value, "give a number of seconds (0 or more)")
    if value < 0:
        raise InvalidOptionError(
            "destination_retry_timeout must be 0 or more seconds.", option="destination_retry_timeout"
        )
    return value


def item_params(item, defaults):
    """The options of one ``configs`` item, with the task's top-level value for each it leaves out."""
    params = {option: item.get(option) for option in ITEM_OPTIONS}
    for option in DEFAULTED_OPTIONS:
        if params[option] is None:
            params[option] = defaults.get(option)
    return params


def build_request(params, region=None):
    """Validate the options of one config and return the Request they describe. No API call is made.

    Options left out (None) are not managed. ``destination_config``, when given, manages both
    destinations; a side left out of it means "no destination".
    """
    target = parse_function_name(params["function_name"], params.get("qualifier"), region)
    managed = {}
    for option in (RETRIES, EVENT_AGE):
        if params.get(option) is not None:
            managed[option] = _validate_range(option, params[option])
    if params.get("destination_config") is not None:
        managed.update(_managed_destinations(params["destination_config"], target, region))
    retry_timeout = params.get("destination_retry_timeout")
    retry_timeout = DESTINATION_RETRY_TIMEOUT if retry_timeout is None else validate_retry_timeout(retry_timeout)
    return Request(target=target, state=params.get("state") or PRESENT, managed=managed, retry_timeout=retry_timeout)


def build_requests(labelled_items, defaults, region=None):
    """The Requests of every item, all validated before any API call.

    ``labelled_items`` is a list of (label, item): the label names the item in messages, None for a
    task that configures one config with its top-level options. Raises one InvalidOptionError that
    names every invalid item, or the two items that address the same config.
    """
    requests = []
    errors = []
    for label, item in labelled_items:
        try:
            requests.append(build_request(item_params(item, defaults), region))
        except InvalidOptionError as e:
            if label is None:
                raise
            errors.append(f"{label}: {e}")
    if errors:
        raise InvalidOptionError(f"{len(errors)} of {len(labelled_items)} configs are invalid: " + " ".join(errors))
    refuse_ambiguous([(label, request) for (label, _item), request in zip(labelled_items, requests)])
    return requests


def refuse_ambiguous(labelled_requests):
    """Raise InvalidOptionError when two requests address the same config, before any call.

    ``labelled_requests`` is a list of (label, Request). A function is known by its name: an unqualified
    name and ``$LATEST`` are one config, and so are a name, a partial ARN and a full ARN. The same name
    in two accounts is refused too, since a bare name cannot say which of them it means.
    """
    configs = {}
    accounts = {}
    for label, request in labelled_requests:
        target = request.target
        key = (target.name, target.key_qualifier)
        if key in configs:
            raise InvalidOptionError(
                f"{configs[key]} and {label} both address the config of {target.describe()}; "
                "give each config once (an unqualified function is the same config as $LATEST)."
            )
        configs[key] = label
        if target.account:
            account, first = accounts.setdefault(target.name, (target.account, label))
            if account != target.account:
                raise InvalidOptionError(
                    f"{first} and {label} name function {target.name} in two accounts ({account} and {target.account}); "
                    "manage each account's functions in a task of its own."
                )


def group_by_function(requests):
    """Indexes of ``requests`` per function name, functions in order of first appearance."""
    groups = {}
    for index, request in enumerate(requests):
        groups.setdefault(request.target.name, []).append(index)
    return groups


def purge_qualifiers(listed_qualifiers, requests):
    """The qualifiers with a config (``listed_qualifiers``) that none of ``requests`` names, in listing order."""
    named = {request.target.key_qualifier for request in requests}
    return sorted(set(listed_qualifiers) - named, key=qualifier_sort_key)


def settings_from_api(config):
    """Normalise a Get/Put/Update/List response body into settings; None for no config."""
    if config is None:
        return None
    settings = {option: config.get(api_name) for option, api_name in _API_INTEGERS.items()}
    destinations = config.get("DestinationConfig") or {}
    for side, api_name in _API_SIDES.items():
        settings[side] = (destinations.get(api_name) or {}).get("Destination") or None
    return settings


def _destination_body(settings, sides):
    return {_API_SIDES[side]: ({"Destination": settings[side]} if settings[side] else {}) for side in sides}


def put_params(settings):
    """Body of a Put that makes the config exactly ``settings`` (Put replaces the whole config).

    DestinationConfig is always sent, with ``{}`` for an unset side: that removes destinations and
    keeps the body valid when no integer is set (AWS refuses a Put with no setting at all).
    """
    params = {
        _API_INTEGERS[option]: settings[option] for option in (RETRIES, EVENT_AGE) if settings[option] is not None
    }
    params["DestinationConfig"] = _destination_body(settings, SIDES)
    return params


def update_params(current, desired):
    """Body of an Update that carries only what changed (Update merges; it cannot remove).

    When a destination changes, every destination that is set is sent: whether AWS merges the two
    sides of DestinationConfig or replaces the object is not documented, and this is right either way.
    """
    params = {}
    for option in (RETRIES, EVENT_AGE):
        if desired[option] != current[option]:
            params[_API_INTEGERS[option]] = desired[option]
    if any(desired[side] != current[side] for side in SIDES):
        params["DestinationConfig"] = _destination_body(desired, [side for side in SIDES if desired[side]])
    return params


def desired_settings(current, managed):
    """The settings after applying what the user manages on top of ``current`` (None: no config)."""
    desired = dict(current or EMPTY)
    desired.update(managed)
    return desired


def plan_change(current, managed):
    """Decide the single write call that brings ``current`` to the desired state.

    Returns a Plan. With no config, the whole desired state is Put, and a desired state with no
    setting at all needs no config (AWS would refuse an empty Put). With a config, an Update carries
    only the changed settings, so settings someone else changed meanwhile are kept; Put is used only
    when a setting must be removed, which Update cannot express.
    """
    desired = desired_settings(current, managed)
    if current is None:
        if all(value is None for value in desired.values()):
            return Plan("none", {}, None)
        return Plan("put", put_params(desired), desired)
    changed = [option for option in SETTINGS if desired[option] != current[option]]
    if not changed:
        return Plan("none", {}, current)
    if any(desired[option] is None for option in changed):
        return Plan("put", put_params(desired), desired)
    return Plan("update", update_params(current, desired), desired)


def plan_request(request, current):
    """The Plan of ``request`` given the ``current`` settings (None: no config)."""
    if request.state == ABSENT:
        return Plan("none", {}, None) if current is None else Plan("delete", {}, None)
    return plan_change(current, request.managed)


def unmanaged_warnings(request, current):
    """Warnings about destinations on AWS that the task leaves alone and that can never receive a record."""
    if request.state == ABSENT or current is None:
        return []
    warnings = (undeliverable_warning(side, current[side]) for side in SIDES if side not in request.managed)
    return [warning for warning in warnings if warning]


def options_view(settings):
    """Settings in the shape of the module's options (for diffs); {} when there is no config."""
    if settings is None:
        return {}
    view = {RETRIES: settings[RETRIES], EVENT_AGE: settings[EVENT_AGE]}
    view["destination_config"] = {side: ({"destination": settings[side]} if settings[side] else None) for side in SIDES}
    return view


def _iso8601(value):
    if value is None:
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def result_view(settings, function_arn=None, last_modified=None):
    """The ``event_invoke_config`` return value: the options view plus identity and timestamp."""
    if settings is None:
        return {}
    view = options_view(settings)
    view["function_arn"] = function_arn
    view["qualifier"] = qualifier_from_arn(function_arn) if function_arn else None
    view["last_modified"] = _iso8601(last_modified)
    return view


def result_from_api(config):
    """The ``event_invoke_config`` return value for a Get/Put/Update/List response body."""
    if config is None:
        return {}
    return result_view(settings_from_api(config), config.get("FunctionArn"), config.get("LastModified"))
