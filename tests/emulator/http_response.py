# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A minimal HTTP response value and the WSGI glue to send it."""

from __future__ import annotations

import json
import uuid
from http import HTTPStatus


class Response:
    """Status, headers and body bytes of one HTTP response."""

    def __init__(self, status: int, headers: dict | None = None, body: bytes = b"", content_type: str | None = None):
        self.status = status
        self.headers = dict(headers or {})
        self.body = body
        if content_type:
            self.headers["Content-Type"] = content_type

    @classmethod
    def json(cls, status: int, payload, headers: dict | None = None, content_type: str = "application/json"):
        return cls(status, headers, json.dumps(payload).encode("utf-8"), content_type)

    @classmethod
    def xml(cls, status: int, text: str, headers: dict | None = None):
        return cls(status, headers, text.encode("utf-8"), "text/xml")

    @classmethod
    def empty(cls, status: int = 204):
        return cls(status)

    def send(self, start_response) -> list[bytes]:
        headers = {"x-amzn-RequestId": str(uuid.uuid4()), **self.headers, "Content-Length": str(len(self.body))}
        start_response(status_line(self.status), list(headers.items()))
        return [self.body]


def status_line(status: int) -> str:
    try:
        return f"{status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"{status} Unknown"


def status_code(status_line_text: str) -> int:
    return int(status_line_text.split(" ", 1)[0])
