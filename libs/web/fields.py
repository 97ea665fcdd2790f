"""Schema fields with the validation a stored column needs; the scaffolder's types use them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from libs.db.columns import AMOUNT_PRECISION

PLAIN_DECIMAL = re.compile(r"-?[0-9]+(\.[0-9]+)?")
INT32_MIN, INT32_MAX = -(2**31), 2**31 - 1


class Amount(fields.Decimal):
    """A non-negative decimal of a NUMERIC(precision, scale) column, written as a string.

    Requests may send a JSON number or a string in plain decimal notation ("12.50"); more
    decimal places than the column keeps are refused, not rounded.
    """

    def __init__(self, *, scale: int, precision: int = AMOUNT_PRECISION, **kwargs: Any) -> None:
        self.scale = scale
        self.maximum = Decimal(10 ** (precision - scale)) - Decimal(1).scaleb(-scale)
        example = "12" + (f".{'5'.ljust(scale, '0')}" if scale else "")
        fraction = rf"(\.[0-9]{{1,{scale}}})?" if scale else ""
        doc = {
            "type": "string",
            "format": "decimal",
            "pattern": rf"^[0-9]{{1,{precision - scale}}}{fraction}$",
            "example": example,
            "description": (
                f"A decimal string from 0 to {self.maximum} with at most {scale} decimal places; "
                "requests may send a JSON number instead."
            ),
        }
        metadata = {**doc, **kwargs.pop("metadata", {})}
        super().__init__(as_string=True, places=None, metadata=metadata, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        amount: Decimal = super()._deserialize(value, attr, data, **kwargs)
        # Decimal() also reads " 1 ", "1_000", "1e3" and non-ASCII digits: not what was meant.
        if isinstance(value, str) and not PLAIN_DECIMAL.fullmatch(value):
            raise ValidationError("Must be a plain decimal number such as 12.50.")
        # Not validate.Range: apispec would document its bounds as strings, invalid OpenAPI.
        if not 0 <= amount <= self.maximum:
            raise ValidationError(
                f"Must be greater than or equal to 0 and less than or equal to {self.maximum}."
            )
        exponent = amount.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -self.scale:
            raise ValidationError(f"Must have at most {self.scale} decimal places.")
        # As the column stores it (3 -> 3.00), which is what the response then shows.
        return amount.quantize(Decimal(1).scaleb(-self.scale))


class Int32(fields.Integer):
    """A whole number that fits an INTEGER column; JSON strings and fractions are refused."""

    def __init__(self, **kwargs: Any) -> None:
        bounds = validate.Range(min=INT32_MIN, max=INT32_MAX)
        super().__init__(strict=True, validate=bounds, **kwargs)
