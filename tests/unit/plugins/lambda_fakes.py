# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A scripted stand-in for the boto3 Lambda client, shared by the unit tests."""

WRITE_OPERATIONS = {
    "put_function_event_invoke_config",
    "update_function_event_invoke_config",
    "delete_function_event_invoke_config",
}


class FakeLambda:
    """A Lambda client that records every call and answers from a script, per operation.

    Each answer is a dict (returned) or an exception (raised). By default an unscripted or extra call
    fails the test; with ``repeat_last=True`` the last answer of an operation is repeated instead.
    """

    def __init__(self, repeat_last=False, **answers):
        self.answers = {operation: list(outcomes) for operation, outcomes in answers.items()}
        self.repeat_last = repeat_last
        self.calls = []

    def _call(self, operation, kwargs):
        self.calls.append((operation, kwargs))
        outcomes = self.answers.get(operation)
        if not outcomes:
            raise AssertionError(f"unexpected call {operation}({kwargs})")
        outcome = outcomes[0] if self.repeat_last and len(outcomes) == 1 else outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    @property
    def writes(self):
        return [call for call in self.calls if call[0] in WRITE_OPERATIONS]

    def get_function_event_invoke_config(self, **kwargs):
        return self._call("get_function_event_invoke_config", kwargs)

    def put_function_event_invoke_config(self, **kwargs):
        return self._call("put_function_event_invoke_config", kwargs)

    def update_function_event_invoke_config(self, **kwargs):
        return self._call("update_function_event_invoke_config", kwargs)

    def delete_function_event_invoke_config(self, **kwargs):
        return self._call("delete_function_event_invoke_config", kwargs)

    def get_function_configuration(self, **kwargs):
        return self._call("get_function_configuration", kwargs)

    def get_paginator(self, name):
        return FakePaginator(self, name)


class FakePaginator:
    """Pages of a scripted operation: ``build_full_result()`` answers like the operation itself."""

    def __init__(self, client, name):
        self.client = client
        self.name = name
        self.kwargs = {}

    def paginate(self, **kwargs):
        self.kwargs = kwargs
        return self

    def build_full_result(self):
        return self.client._call(self.name, self.kwargs)
