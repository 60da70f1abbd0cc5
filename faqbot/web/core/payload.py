"""Reading JSON request bodies strictly: the right content type, valid JSON, an object; valid
email addresses."""

from __future__ import annotations

import json
import re
from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter

from faqbot.web.core import hygiene
from faqbot.web.core.errors import ApiError

MAX_ROW_ID = 2**31 - 1  # the largest INTEGER key in PostgreSQL
EMAIL_RE = re.compile(
    r"^[^@\s<>\"',;]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$"
)


class RowIdConverter(IntegerConverter):
    """``<id:name>``: a positive row id; anything larger than the database can hold is a 404,
    not a database error."""

    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's signature
        super().__init__(map)

    def to_python(self, value: str) -> int:
        """The id, or 0 (which no row has) when it is out of range.

        Refusing the value instead would make werkzeug answer 405 when another method's rule
        has the same path (``DELETE /tickets/0/read`` next to ``POST``), naming a method that
        would be a 404 as well; 0 lets the view's own look-up answer 404."""
        number = super().to_python(value)
        return number if 1 <= number <= MAX_ROW_ID else 0


def is_row_id(value: object) -> bool:
    return type(value) is int and 1 <= value <= MAX_ROW_ID


def json_body() -> dict[str, Any]:
    """The request's JSON object, or an :class:`ApiError` saying exactly what is wrong."""
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "Send the body as application/json.")
    body = hygiene.parsed_json_body()  # parsed (and checked) before the view ran
    try:
        if body is hygiene.MISSING:
            body = json.loads(request.get_data(cache=True))  # raises 413 past MAX_CONTENT_LENGTH
    except (ValueError, RecursionError) as error:
        raise ApiError(400, "invalid_json", f"The body is not valid JSON: {error}") from None
    if not isinstance(body, dict):
        raise ApiError(400, "invalid_json", "The body must be a JSON object.")
    return body


def string_field(
    body: dict[str, Any], name: str, *, required: bool = True, max_length: int | None = None
) -> str | None:
    """A non-empty string field (stripped), or None when optional and absent/null."""
    value = body.get(name)
    if value is None:
        if required:
            raise ApiError(400, f"missing_{name}", f"'{name}' is required.")
        return None
    if not isinstance(value, str):
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be a string.")
    value = value.strip()
    if not value:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must not be empty.")
    if max_length is not None and len(value) > max_length:
        raise ApiError(400, f"invalid_{name}", f"'{name}' must be at most {max_length} characters.")
    return value


def valid_email(value: object) -> str:
    if not isinstance(value, str) or len(value.strip()) > 254 or not EMAIL_RE.match(value.strip()):
        raise ApiError(400, "invalid_email", "'email' must be a valid email address.")
    return value.strip()
