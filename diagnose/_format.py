"""How numbers read in text: counts of 10,000 and more with thousands
separators (165,501), for reports, charts and command output alike."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["GROUP_FROM", "Count", "as_count", "fill"]

#: Whole numbers from here up print with thousands separators (165,501);
#: smaller ones, such as years in a user's own columns, print as they are.
GROUP_FROM = 10_000


class Count(int):
    """An integer that prints with thousands separators (``f"{Count(165501)}"``
    is ``"165,501"``); an explicit format spec is used as given."""

    def __format__(self, spec: str) -> str:
        return format(int(self), spec or ",")

    def __str__(self) -> str:
        return format(int(self), ",")


def as_count(value: Any) -> Any:
    """``value`` as a :class:`Count` when it is a whole number (not a bool) of
    :data:`GROUP_FROM` or more in size; anything else unchanged."""
    if (
        isinstance(value, (int, np.integer))
        and not isinstance(value, (bool, np.bool_))
        and abs(int(value)) >= GROUP_FROM
    ):
        return Count(int(value))
    return value


def fill(template: str, **values: Any) -> str:
    """``template.format(**values)`` with large counts grouped (:func:`as_count`)."""
    return template.format(**{k: as_count(v) for k, v in values.items()})
