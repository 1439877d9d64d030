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
from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import validate_destination
from ansible_collections.serverless.aws_lambda.plugins.module_utils.errors import InvalidOptionError
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import parse_function_name
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_from_arn

RETRIES = "maximum_retry_attempts"
EVENT_AGE = "maximum_event_age_in_seconds"
SIDES = (ON_SUCCESS, ON_FAILURE)
SETTINGS = (RETRIES, EVENT_AGE, ON_SUCCESS, ON_FAILURE)
EMPTY = dict.fromkeys(SETTINGS)

RANGES = {RETRIES: (0, 2), EVENT_AGE: (60, 21600)}
_API_INTEGERS = {RETRIES: "MaximumRetryAttempts", EVENT_AGE: "MaximumEventAgeInSeconds"}
_API_SIDES = {ON_SUCCESS: "OnSuccess", ON_FAILURE: "OnFailure"}

# What the user asked for: the target, and the settings they manage (unmanaged settings are absent).
Request = namedtuple("Request", "target managed")

# What to do: action is "none", "put" or "update"; params is the API body; after is the resulting settings.
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


def build_request(params, region=None):
    """Validate module parameters and return the Request they describe. No API call is made.

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
    if params.get("destination_retry_timeout") is not None:
        validate_retry_timeout(params["destination_retry_timeout"])
    return Request(target=target, managed=managed)


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

    Returns a Plan. With no config, the whole desired state is Put. With a config, an Update
    carries only the changed settings, so settings someone else changed meanwhile are kept; Put is
    used only when a destination must be removed, which Update cannot express.
    """
    if current is None and not managed:
        raise InvalidOptionError(
            "There is no event invoke config to keep and nothing to set: give maximum_retry_attempts, "
            "maximum_event_age_in_seconds or destination_config to create one, or state=absent to remove it."
        )
    desired = desired_settings(current, managed)
    if current is None:
        return Plan("put", put_params(desired), desired)
    changed = [option for option in SETTINGS if desired[option] != current[option]]
    if not changed:
        return Plan("none", {}, current)
    if any(desired[option] is None for option in changed):
        return Plan("put", put_params(desired), desired)
    return Plan("update", update_params(current, desired), desired)


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
