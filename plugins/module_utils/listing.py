# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Shaping of listed event invoke configs: one item per config, in a stable order. Pure functions."""

from ansible_collections.serverless.aws_lambda.plugins.module_utils.event_invoke_config import result_from_api
from ansible_collections.serverless.aws_lambda.plugins.module_utils.function_name import qualifier_sort_key


def config_item(function_name, config):
    """A listed config: the module's ``event_invoke_config`` shape plus ``function_name``."""
    item = result_from_api(config)
    item["function_name"] = function_name
    return item


def item_sort_key(item):
    """Order of listed configs: by function name, then by qualifier."""
    return (item["function_name"], qualifier_sort_key(item["qualifier"]))


def sorted_items(function_name, configs):
    """Listed configs of one function as sorted items (AWS does not promise an order)."""
    return sorted((config_item(function_name, config) for config in configs), key=item_sort_key)
