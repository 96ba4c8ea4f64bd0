"""Match the headers of a file onto canonical column names.

Headers are compared after :func:`~diagnose.io.columns.normalise_header`
(case, spaces/underscores/hyphens, traditional characters, full-width forms
and bracketed units such as ``耗时(天)`` do not matter). An explicit
``mapping={"header in file": "canonical"}`` wins over ``COLUMN_MAP``; map a
header to ``None`` to ignore it. When two headers of one file match the same
canonical column, the one listed earlier in ``COLUMN_MAP`` (the canonical name
itself comes first) is used and a :class:`~diagnose.DataQualityWarning` says so.
A header the file repeats (two ``开始时间`` columns, read as ``开始时间`` and
``开始时间.1``) is matched by its first column, with a warning naming the
columns by letter.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from diagnose.exceptions import DataError
from diagnose.io.columns import COLUMN_MAP, normalise_header

__all__ = ["HeaderMatch", "match_headers"]


@dataclass
class HeaderMatch:
    """Result of :func:`match_headers`.

    Attributes
    ----------
    columns : dict
        canonical name -> header in the file.
    dropped : list of str
        Headers not used (unknown, ignored, or the losing side of an ambiguity).
    ambiguous : list of str
        One sentence per canonical column matched by several headers, and per
        used header that the file repeats.
    """

    columns: dict[str, str] = field(default_factory=dict)
    dropped: list[str] = field(default_factory=list)
    ambiguous: list[str] = field(default_factory=list)

    def header(self, canonical: str) -> str | None:
        """The file header used for ``canonical`` (None if absent)."""
        return self.columns.get(canonical)


def _index(targets) -> dict[str, tuple[str, int]]:
    index: dict[str, tuple[str, int]] = {}
    for canonical in targets:
        for rank, header in enumerate([canonical, *COLUMN_MAP.get(canonical, [])]):
            key = normalise_header(header)
            if key and key not in index:
                index[key] = (canonical, rank)
    return index


def match_headers(
    headers,
    targets,
    *,
    mapping: dict | None = None,
    file: str = "input",
    loader: str = "load_activities",
) -> HeaderMatch:
    """Map file headers onto the canonical names in ``targets``.

    Parameters
    ----------
    headers : list of str
        Headers as they appear in the file, in file order.
    targets : list of str
        Canonical names this loader accepts.
    mapping : dict, optional
        ``{"header in file": "canonical" or None}``; overrides ``COLUMN_MAP``.
    file : str
        File name for messages.
    loader : str
        Function name for argument-error messages.

    Returns
    -------
    HeaderMatch

    Raises
    ------
    ValueError
        A mapping value that is not one of ``targets``.
    DataError
        A mapping key that is not a header of the file.
    """
    headers = [str(h) for h in headers]
    match = HeaderMatch()
    used: set[str] = set()
    targets = list(targets)
    for src, dst in (mapping or {}).items():
        if dst is not None and dst not in targets:
            raise ValueError(
                f"The values of the 'mapping' parameter of {loader} must be one of "
                f"{targets} (or None to ignore a column). Got {dst!r} instead."
            )
        found = [h for h in headers if h == str(src)] or [
            h for h in headers if normalise_header(h) == normalise_header(src)
        ]
        if not found:
            raise DataError(
                f"{file}: mapping names column {src!r} but the file has no such "
                f"column. "
                f"Columns in file: {headers}. Fix: correct the key in mapping=."
            )
        used.add(found[0])
        if dst is None:
            match.dropped.append(found[0])
        elif dst in match.columns:
            raise ValueError(
                f"The 'mapping' parameter of {loader} maps two columns to {dst!r}: "
                f"{match.columns[dst]!r} and {found[0]!r}. Map only one."
            )
        else:
            match.columns[dst] = found[0]
    index = _index(targets)
    candidates: dict[str, list[tuple[int, int, str]]] = {}
    for pos, header in enumerate(headers):
        if header in used:
            continue
        hit = index.get(normalise_header(header))
        if hit is None or hit[0] in match.columns:
            match.dropped.append(header)
            continue
        candidates.setdefault(hit[0], []).append((hit[1], pos, header))
    for canonical, options in candidates.items():
        options.sort()
        match.columns[canonical] = options[0][2]
        if len(options) > 1:
            others = [o[2] for o in options[1:]]
            match.dropped.extend(others)
            match.ambiguous.append(
                f"{file}: columns {[o[2] for o in options]} all mean {canonical!r}; "
                f"using {options[0][2]!r}. Fix: pass mapping={{{options[0][2]!r}: "
                f"{canonical!r}, {others[0]!r}: None}} (command line: --map "
                f"'{options[0][2]}={canonical}' --map '{others[0]}=none') to "
                f"choose explicitly."
            )
    order = {h: i for i, h in enumerate(headers)}
    match.dropped.sort(key=lambda h: order.get(h, 0))
    match.ambiguous.extend(_repeated_headers(headers, match, file))
    return match


def _column_letter(pos: int) -> str:
    """Spreadsheet column letter of 0-based position ``pos`` (0 -> A)."""
    out, col = "", pos + 1
    while col:
        col, rem = divmod(col - 1, 26)
        out = chr(65 + rem) + out
    return out


def _repeated_headers(headers: list[str], match: HeaderMatch, file: str) -> list:
    """One sentence per used header that the file repeats. The readers rename
    a repeated header ``开始时间`` to ``开始时间.1`` (pandas' rule), which
    matches nothing: the first column is used silently unless we say so."""
    import re

    pos = {h: i for i, h in enumerate(headers)}
    used = {h: c for c, h in match.columns.items()}
    repeats: dict[str, list[str]] = {}
    for h in headers:
        m = re.fullmatch(r"(.*)\.(\d+)", h)
        if m and m.group(1) in pos and m.group(1) in used:
            repeats.setdefault(m.group(1), []).append(h)
    out = []
    for base, others in repeats.items():
        where = [_column_letter(pos[h]) for h in [base, *others]]
        out.append(
            f"{file}: {len(where)} columns are headed {base!r} (columns "
            f"{', '.join(where)}); using the first (column {where[0]}) as "
            f"{used[base]!r}. Fix: give each column its own header, or pass "
            f"mapping="
            f"{{{others[0]!r}: {used[base]!r}}} (command line: --map "
            f"'{others[0]}={used[base]}') to use column {where[1]} instead."
        )
    return out
