# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What to send: settings, Put/Update bodies and the plan of each request. Pure functions.

Internally a config's settings are a flat dict with the four keys of ``SETTINGS``; None means unset
(AWS then applies its defaults: 2 retries, 21600 seconds, no destination). AWS's own shapes are
normalised on the way in (absent integers, ``{}`` destination sides) so that comparing never sees a
difference that is not there.
"""

from collections import namedtuple

from ansible_collections.serverless.aws_lambda.plugins.module_utils.destinations import undeliverable_warning
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import ABSENT
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import API_INTEGERS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import API_SIDES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import EVENT_AGE
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import RETRIES
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SETTINGS
from ansible_collections.serverless.aws_lambda.plugins.module_utils.vocabulary import SIDES

EMPTY = dict.fromkeys(SETTINGS)


# What to do: action is "none", "put", "update" or "delete"; params is the API body; after is the
# resulting settings (None: no config).
Plan = namedtuple("Plan", "action params after")


def settings_from_api(config):
    """Normalise a Get/Put/Update/List response body into settings; None for no config."""
    if config is None:
        return None
    settings = {option: config.get(api_name) for option, api_name in API_INTEGERS.items()}
    destinations = config.get("DestinationConfig") or {}
    for side, api_name in API_SIDES.items():
        settings[side] = (destinations.get(api_name) or {}).get("Destination") or None
    return settings


def _destination_body(settings, sides):
    return {API_SIDES[side]: ({"Destination": settings[side]} if settings[side] else {}) for side in sides}


def put_params(settings):
    """Body of a Put that makes the config exactly ``settings`` (Put replaces the whole config).

    DestinationConfig is always sent, with ``{}`` for an unset side: that removes destinations and
    keeps the body valid when no integer is set (AWS refuses a Put with no setting at all).
    """
    params = {API_INTEGERS[option]: settings[option] for option in (RETRIES, EVENT_AGE) if settings[option] is not None}
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
            params[API_INTEGERS[option]] = desired[option]
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


def sent_destinations(plan):
    """The destinations a Put or Update of ``plan`` sends, which AWS checks before it accepts the write."""
    sides = plan.params.get("DestinationConfig", {}).values()
    return [side["Destination"] for side in sides if side.get("Destination")]


def unmanaged_warnings(request, current):
    """Warnings about destinations on AWS that the task leaves alone and that can never receive a record."""
    if request.state == ABSENT or current is None:
        return []
    warnings = (undeliverable_warning(side, current[side]) for side in SIDES if side not in request.managed)
    return [warning for warning in warnings if warning]
