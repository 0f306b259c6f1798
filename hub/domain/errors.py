"""Why the domain refuses something.

    PasslineError
     ├── OrderRefused            an order cannot be taken; carries a wire code and the field
     │    ├── UnknownSku
     │    ├── UnknownModifier
     │    ├── Unavailable
     │    ├── InvalidModifiers   modifier choices break a group's min/max or nesting
     │    └── OrderConflict
     ├── CommerceRefused         stock, loyalty or tender work refused (code, message)
     └── InvalidTransition       a status change the lifecycle does not allow
"""

from __future__ import annotations


class PasslineError(Exception):
    """Base of every error the domain raises."""


class OrderRefused(PasslineError):
    """An order the hub will not take, with the code sent back to its sender."""

    code = "invalid_payload"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class UnknownSku(OrderRefused):
    """A line names a SKU the catalog does not have."""

    code = "unknown_sku"


class UnknownModifier(OrderRefused):
    """A line names a modifier its item does not allow."""

    code = "unknown_modifier"


class Unavailable(OrderRefused):
    """A line names an item that is sold out."""

    code = "unavailable"


class InvalidModifiers(OrderRefused):
    """A line's modifiers break a group's minimum or maximum, or a nested choice lacks its parent."""

    code = "invalid_payload"


class CommerceRefused(PasslineError):
    """Stock, loyalty or tender work the hub will not do, with a code and a message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class OrderConflict(OrderRefused):
    """The order id is already used by an order with other content."""

    code = "conflict"


class InvalidTransition(PasslineError):
    """A status change the lifecycle does not allow."""

    def __init__(self, what: str, current: str, target: str) -> None:
        super().__init__(f"{what} cannot go from {current} to {target}")
        self.current = current
        self.target = target


class Refused(PasslineError):
    """An action the hub will not do: a wire code, a message naming the problem, an HTTP status, the field."""

    def __init__(self, code: str, message: str, status: int = 422, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.field = field
