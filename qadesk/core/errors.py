"""One error type for broken business rules, mapped once to HTTP (API) and once to messages (UI)."""

from typing import Any

from django.utils.functional import Promise


class ApplicationError(Exception):
    """A rule of the domain was broken; `message` is translatable and shown to the person."""

    status_code = 400

    def __init__(self, message: str | Promise, *, status_code: int | None = None, extra: dict[str, Any] | None = None):
        super().__init__(str(message))
        self.message = message
        self.extra = extra or {}
        if status_code is not None:
            self.status_code = status_code


class PermissionDenied(ApplicationError):
    """The actor may see the object but not do this to it."""

    status_code = 403


class InvalidInput(ApplicationError):
    """A value that is well-formed but wrong (an unknown id, a name where an id belongs): 422 naming its field.

    The API answers it like a validation error, {"detail": [{"type", "loc", "msg"}]}, `loc` ending with `field`.
    """

    status_code = 422

    def __init__(self, message: str | Promise, *, field: tuple[str, ...]):
        super().__init__(message)
        self.field = field


class Conflict(ApplicationError):
    """The object is not, or no longer, in a state that allows this: someone else changed it first (a decision already
    taken, a review already submitted, a session already closed). Answered 409; the person reloads and sees why."""

    status_code = 409
