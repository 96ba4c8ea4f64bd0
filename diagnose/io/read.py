"""Read a table from a path or a DataFrame, without interpreting it.

CSV-like files are read entirely as text (``keep_default_na=False``, only the
empty cell is missing) so values such as a case named ``NA`` survive; the
loaders parse columns afterwards. The delimiter (``,`` ``;`` tab ``|``) is
detected from the first lines and the encoding tried in the order utf-8-sig,
utf-8, gb18030. Blank lines are kept as rows of missing cells (listed by the
loaders as blank rows), so row numbers are the file's line numbers. XLSX cells
keep their native types (numbers, datetimes); a merged range (a project name
merged down over its tasks) gives its value to every cell of the range, with a
note. Input files are only ever opened for reading.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from diagnose.exceptions import DataError
from diagnose.io.headers import _column_letter
from diagnose.io.sorted_text import dictionary_encode

__all__ = ["RawTable", "read_table", "DATAFRAME_LABEL"]

#: How a DataFrame passed instead of a file is named in reports.
DATAFRAME_LABEL = "<DataFrame>"

_CSV_SUFFIXES = {".csv", ".tsv", ".txt", ".tab"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class RawTable:
    """A table as read: every column, header row = spreadsheet row 1.

    Attributes
    ----------
    frame : pandas.DataFrame
        The cells (text for CSV; native types for XLSX/Parquet/DataFrame) with
        a RangeIndex; spreadsheet row of position ``i`` is ``i + 2`` (see
        ``first_row``).
    file : str
        File name shown in reports (``<DataFrame>`` for a DataFrame).
    path : str
        Full path ("" for a DataFrame).
    sheet : str or None
        Sheet read from an XLSX workbook.
    sha256 : str or None
        Hash of the file bytes (None for a DataFrame).
    codes : dict
        Internal: for CSV columns read by the fast reader, ``header ->
        (codes, uniques)`` as :func:`pandas.factorize` of the column would
        give them (codes -1 = missing), so the loaders need not hash a
        million strings again. May be empty; only valid for ``frame`` as read.
    arrow : dict
        Internal: ``header -> pyarrow string array`` of the uniques in
        ``codes`` (same order), for the vectorised text and date paths.
    lazy : list of str
        Internal (``read_table(..., lazy=True)``): every header in file order
        when the coded columns were left out of ``frame``; read them with
        :meth:`column` (built from ``codes`` on first use). Empty otherwise.
    blank : numpy.ndarray
        Positions of the rows whose every cell is empty (a blank line in a
        CSV file, an empty spreadsheet row). They stay in ``frame`` so that
        row numbers match the file; the loaders list each one once as a
        blank row. Blank rows after the last filled row are not read.
    notes : list of str
        What the reader changed while reading (merged XLSX cells filled).
    first_row : int
        Spreadsheet row of position 0 (2 unless blank lines came before the
        header of a CSV file): row of position ``i`` is ``i + first_row``.
    """

    frame: pd.DataFrame
    file: str
    path: str = ""
    sheet: str | None = None
    sha256: str | None = None
    codes: dict = field(default_factory=dict, repr=False, compare=False)
    arrow: dict = field(default_factory=dict, repr=False, compare=False)
    lazy: list = field(default_factory=list, repr=False, compare=False)
    blank: np.ndarray = field(
        default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False, compare=False
    )
    notes: list = field(default_factory=list, repr=False, compare=False)
    first_row: int = 2

    @property
    def headers(self) -> list[str]:
        """Every header, in file order."""
        return list(self.lazy) if self.lazy else list(self.frame.columns)

    def column(self, header: str) -> pd.Series:
        """One column of cells (object column for text read lazily)."""
        if header in self.frame.columns:
            return self.frame[header]
        codes, uniques = self.codes[header]
        values = np.append(uniques, np.nan)[codes]
        self.frame[header] = values  # built once
        return self.frame[header]

    def header_at(self, pos: int) -> RawTable:
        """The same table read with the row at position ``pos`` as its header
        (rows above it, a title, are dropped): row numbers stay those of the
        spreadsheet. Empty header cells become ``Unnamed: i`` and repeated
        ones ``name.1`` (pandas' rules)."""
        whole = self.rows_frame(np.arange(len(self.frame)))
        cells = []
        seen: dict[str, int] = {}
        for i, v in enumerate(whole.iloc[pos].tolist()):
            if isinstance(v, float) and v.is_integer():
                v = int(v)
            text = (
                "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v)
            )
            text = text.strip() or f"Unnamed: {i}"
            if text in seen:
                seen[text] += 1
                text = f"{text}.{seen[text]}"
            else:
                seen[text] = 0
            cells.append(text)
        frame = whole.iloc[pos + 1 :].copy()
        frame.columns = cells
        frame.index = pd.RangeIndex(len(frame))
        return RawTable(
            frame,
            self.file,
            path=self.path,
            sheet=self.sheet,
            sha256=self.sha256,
            blank=_blank_frame(frame),
            notes=list(self.notes),
            first_row=self.first_row + pos + 1,
        )

    def rows_frame(self, mask) -> pd.DataFrame:
        """Every column (file order) of the rows selected by ``mask``."""
        index = self.frame.index[mask]
        pos = np.flatnonzero(mask) if np.asarray(mask).dtype == bool else mask
        cols = {}
        for h in self.headers:
            if h in self.frame.columns:
                cols[h] = self.frame[h].to_numpy()[pos]
            else:
                codes, uniques = self.codes[h]
                cols[h] = np.append(uniques, np.nan)[codes[pos]]
        return pd.DataFrame(cols, index=index, columns=self.headers)


def _suffixes(path: Path) -> list[str]:
    return [s.lower() for s in path.suffixes]


def _sniff_delimiter(sample: str) -> str:
    lines = [ln for ln in sample.splitlines()[:20] if ln.strip()]
    if not lines:
        return ","
    best, best_score = ",", -1.0
    for sep in (",", ";", "\t", "|"):
        try:
            rows = list(csv.reader(lines, delimiter=sep))
        except csv.Error:
            continue
        widths = [len(r) for r in rows]
        if widths[0] < 2:
            continue
        consistent = sum(w == widths[0] for w in widths) / len(widths)
        score = consistent * 1000 + widths[0]
        if score > best_score:
            best, best_score = sep, score
    return best


def _decode(data: bytes, label: str) -> str:
    for enc in _ENCODINGS:
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataError(
        f"{label}: cannot be read as text (tried encodings {', '.join(_ENCODINGS)}). "
        "Fix: save the file as CSV UTF-8."
    )


_FAST_SAMPLE = 81920  # bytes: enough for the 20,000 characters the sniffer reads


def _dictionary_encode(col):
    """:func:`pyarrow.compute.dictionary_encode` of a string array; a sorted
    column without nulls (an exported id column) is coded by its runs in
    linear time instead of through a hash table, with the same result."""
    return dictionary_encode(col)[0]


class LazyUniques:
    """The distinct values of a text column as Arrow strings. A NumPy object
    array of Python ``str`` is built only when something asks for one
    (``np.asarray``): a million ids take about 0.05 s to become Python
    strings, and a loaded column whose values need no cleaning never does."""

    __slots__ = ("arrow", "_objects")

    def __init__(self, arrow):
        self.arrow = arrow
        self._objects = None

    def __len__(self) -> int:
        return len(self.arrow)

    def __array__(self, dtype=None, copy=None):
        if self._objects is None:
            self._objects = np.asarray(
                self.arrow.to_numpy(zero_copy_only=False), dtype=object
            )
        if dtype is not None and np.dtype(dtype) != object:
            return self._objects.astype(dtype)
        return self._objects

    def __getitem__(self, key):
        return np.asarray(self)[key]

    def __iter__(self):
        return iter(np.asarray(self))


def _coded_column(col) -> tuple[tuple, object]:
    """((codes, uniques), uniques as Arrow) of a string or dictionary<string>
    Arrow column: the uniques are an :class:`LazyUniques` (Python ``str``
    only on demand, once per distinct value); missing cells have code -1."""
    import pyarrow as pa

    if isinstance(col, pa.ChunkedArray):
        if pa.types.is_dictionary(col.type) and col.num_chunks > 1:
            first = col.chunk(0).dictionary
            # Parquet row groups usually share one dictionary: then the
            # indices just concatenate (unifying a million values is slow)
            if not all(c.dictionary.equals(first) for c in col.chunks[1:]):
                col = col.unify_dictionaries()
                first = col.chunk(0).dictionary
            idx = np.concatenate(
                [
                    c.indices.fill_null(-1).to_numpy(zero_copy_only=False)
                    for c in col.chunks
                ]
            )
            dictionary = first
            col = None
        else:
            col = col.combine_chunks()
    if col is not None:
        enc = col if pa.types.is_dictionary(col.type) else _dictionary_encode(col)
        idx = enc.indices.fill_null(-1).to_numpy(zero_copy_only=False)
        dictionary = enc.dictionary
    if not pa.types.is_string(dictionary.type):
        dictionary = dictionary.cast(pa.string())
    used = np.zeros(len(dictionary) + 1, dtype=bool)
    used[idx] = True
    if not used[:-1].all():  # a file's dictionary may hold values no row uses
        keep = np.flatnonzero(used[:-1])
        remap = np.full(len(dictionary) + 1, -1, dtype=np.intp)
        remap[keep] = np.arange(len(keep))
        idx = remap[idx]
        dictionary = dictionary.take(pa.array(keep))
    return (idx, LazyUniques(dictionary)), dictionary


def _read_parquet(
    data: bytes, label: str, materialize: bool = True
) -> tuple[pd.DataFrame, dict, dict, list]:
    """A Parquet file: text columns read dictionary-encoded (the values are
    made Python ``str`` once per distinct value, as for CSV), datetimes and
    numbers as pandas reads them."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq

        meta = pq.ParquetFile(pa.BufferReader(data)).metadata
        schema = meta.schema.to_arrow_schema()
        text = [
            f.name
            for f in schema
            if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)
        ]
        plain = _plain_text_columns(meta, text)
        # the bytes are in memory already: no pre-buffering (faster)
        table = pq.read_table(
            pa.BufferReader(data),
            read_dictionary=[c for c in text if c not in plain],
            pre_buffer=False,
        )
    except Exception as err:  # pyarrow raises ArrowInvalid and friends
        raise DataError(f"{label}: not a readable Parquet file ({err}).") from err
    columns, codes, arrow, order = {}, {}, {}, []
    for name in table.column_names:
        if str(name).startswith("__index_level_"):
            continue  # a stored pandas index, not data
        order.append(str(name))
        col = table[name]
        if (
            pa.types.is_dictionary(col.type)
            and (
                pa.types.is_string(col.type.value_type)
                or pa.types.is_large_string(col.type.value_type)
            )
        ) or (str(name) in plain and col.nbytes < 2**31 - 1):
            codes[str(name)], arrow[str(name)] = _coded_column(col)
            if materialize:
                idx, uniques = codes[str(name)]
                columns[str(name)] = np.append(uniques, np.nan)[idx]
        else:
            columns[str(name)] = col.to_pandas()
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows), copy=False)
    return frame, codes, arrow, order


def _plain_text_columns(meta, text: list) -> set:
    """Text columns of a Parquet file whose pages hold the strings themselves
    (more than 8 bytes a value), not small dictionary indices: the writer gave
    up its dictionary because nearly every value differs (ids, free text).
    Read as a dictionary they would be hashed while the file is read; read as
    strings, a sorted id column is coded by its runs instead
    (:func:`_dictionary_encode`)."""
    wanted = set(text)
    size: dict = {}
    count: dict = {}
    for r in range(meta.num_row_groups):
        group = meta.row_group(r)
        for i in range(group.num_columns):
            col = group.column(i)
            name = col.path_in_schema
            if name in wanted:
                size[name] = size.get(name, 0) + col.total_uncompressed_size
                count[name] = count.get(name, 0) + col.num_values
    return {c for c in size if count[c] and size[c] / count[c] > 8}


def _read_csv_fast(data: bytes) -> tuple[pd.DataFrame, dict] | None:
    """:func:`_read_csv_arrow` without the Arrow uniques and blank rows."""
    got = _read_csv_arrow(data)
    return None if got is None else got[:2]


def _read_csv_arrow(
    data: bytes, materialize: bool = True
) -> tuple[pd.DataFrame, dict, dict, np.ndarray] | None:
    """UTF-8 CSV through pyarrow's multithreaded reader, every column as text.

    Gives exactly the frame of the pandas reader below (only ``""`` is
    missing, ``NA`` stays text, quoted fields may hold newlines, blank lines
    are rows of missing cells), plus each column's factorisation and the
    positions of the blank rows. Returns None whenever the file needs the
    pandas reader's leniency or messages: not UTF-8, empty, one column,
    ragged rows, blank or repeated headers (pandas renames those), a blank
    first line, pyarrow missing.
    """
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a dependency
        return None
    body = data[3:] if data.startswith(codecs.BOM_UTF8) else data
    try:
        sample = codecs.getincrementaldecoder("utf-8")().decode(
            body[:_FAST_SAMPLE], final=len(body) <= _FAST_SAMPLE
        )
    except UnicodeDecodeError:
        return None
    if not sample.strip():
        return None
    sep = _sniff_delimiter(sample[:20000])
    try:
        width = len(next(csv.reader(io.StringIO(sample), delimiter=sep)))
    except (csv.Error, StopIteration):
        return None
    if width < 2:
        return None
    names = [f"f{i}" for i in range(width)]
    try:
        table = pacsv.read_csv(
            io.BytesIO(body),
            read_options=pacsv.ReadOptions(column_names=names),
            # blank lines are kept (as rows of empty cells): row numbers
            # then match the file's lines
            parse_options=pacsv.ParseOptions(
                delimiter=sep, newlines_in_values=True, ignore_empty_lines=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types={n: pa.string() for n in names},
                null_values=[""],
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
            ),
        )
    except (pa.ArrowException, ValueError, OSError):
        return None
    if table.num_rows == 0:
        return None
    # a blank header is named as pandas names it (an exported index column)
    headers = [table[n][0].as_py() or f"Unnamed: {i}" for i, n in enumerate(names)]
    if len(set(headers)) != len(headers):
        return None  # pandas renames repeated headers "x.1"
    table = table.slice(1)
    blank = _blank_arrow([table[n] for n in names])
    if blank.size and blank[-1] == table.num_rows - 1:  # trailing blank lines
        last = _last_filled(blank, table.num_rows)
        table = table.slice(0, last)
        blank = blank[blank < last]
    if any(table[n].nbytes >= 2**31 - 1 for n in names):
        return None  # a column over 2 GB cannot be combined into one array
    codes = _LazyCodes({h: table[n] for n, h in zip(names, headers)})
    if not materialize:  # rows only: the caller reads columns from codes
        frame = pd.DataFrame(index=pd.RangeIndex(table.num_rows))
        return frame, codes, codes.arrow, blank
    codes.prefetch(headers)
    columns = {}
    for h in headers:
        idx, uniques = codes[h]
        columns[h] = np.append(uniques, np.nan)[idx]
    frame = pd.DataFrame(columns, copy=False)
    return frame, codes, codes.arrow, blank


def _blank_arrow(columns) -> np.ndarray:
    """Positions where every Arrow column is null (blank rows). Free when a
    column has no null at all (the usual case: nothing is computed)."""
    import pyarrow.compute as pc

    if not columns or any(c.null_count == 0 for c in columns):
        return np.zeros(0, dtype=np.int64)
    mask = None
    for c in columns:
        null = c.is_null()
        mask = null if mask is None else pc.and_(mask, null)
    return np.flatnonzero(np.asarray(mask.to_numpy(zero_copy_only=False), dtype=bool))


def _blank_frame(frame: pd.DataFrame) -> np.ndarray:
    """Positions of the rows of ``frame`` whose every cell is missing or
    only spaces (only the rows still candidates are looked at)."""
    if frame.shape[1] == 0 or len(frame) == 0:
        return np.zeros(0, dtype=np.int64)
    cand = np.arange(len(frame))
    for i in range(frame.shape[1]):
        values = frame.iloc[:, i].to_numpy()[cand]
        if values.dtype == object:  # judged on the distinct values
            codes, uniq = pd.factorize(values, sort=False)
            spaces = [isinstance(v, str) and not v.strip() for v in uniq]
            keep = np.append(np.asarray(spaces, dtype=bool), True)[codes]
        else:
            keep = np.asarray(pd.isna(values), dtype=bool)
        cand = cand[keep]
        if not cand.size:
            break
    return cand.astype(np.int64)


def _last_filled(blank: np.ndarray, n: int) -> int:
    """Number of rows up to the last one that is not blank."""
    k = 0
    while k < blank.size and blank[blank.size - 1 - k] == n - 1 - k:
        k += 1
    return n - k


class _LazyCodes(Mapping):
    """``header -> (codes, uniques)`` of text columns read by Arrow, each
    dictionary-encoded on first use (a loader that parses a date column
    straight from its Arrow strings never pays for encoding it).

    ``arrow`` maps a header to the Arrow uniques (same order as ``uniques``);
    :meth:`strings` gives the column's Arrow strings as read."""

    def __init__(self, columns: dict):
        self._columns = columns
        self._done: dict = {}
        self.arrow = _ArrowUniques(self)

    def __getitem__(self, header):
        if header not in self._done:
            if header not in self._columns:
                raise KeyError(header)
            self._store(header, self._encode(header))
        return self._done[header]

    def __iter__(self):
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)

    def __contains__(self, header) -> bool:  # without encoding
        return header in self._columns

    def strings(self, header):
        """The Arrow string column as read (None if unknown)."""
        return self._columns.get(header)

    def _encode(self, header):
        return _dictionary_encode(self._columns[header].combine_chunks())

    def _store(self, header, enc) -> None:
        uniques = LazyUniques(enc.dictionary)
        idx = enc.indices
        idx = (
            idx.to_numpy(zero_copy_only=False)
            if idx.null_count == 0
            else idx.fill_null(-1).to_numpy(zero_copy_only=False)
        )
        self._done[header] = (idx, uniques)
        self.arrow._done[header] = enc.dictionary

    def prefetch(self, headers) -> None:
        """Encode several columns at once: Arrow releases the GIL, so two
        threads halve the wait on two cores."""
        todo = [h for h in dict.fromkeys(headers) if h in self._columns]
        todo = [h for h in todo if h not in self._done]
        if len(todo) < 2:
            return
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:
            for h, enc in zip(todo, pool.map(self._encode, todo)):
                self._store(h, enc)


class _ArrowUniques(Mapping):
    """The Arrow uniques of a :class:`_LazyCodes` (encoding on first use)."""

    def __init__(self, codes: _LazyCodes):
        self._codes = codes
        self._done: dict = {}

    def __getitem__(self, header):
        self._codes[header]
        return self._done[header]

    def __iter__(self):
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __contains__(self, header) -> bool:
        return header in self._codes


def _read_csv(data: bytes, label: str) -> pd.DataFrame:
    """The pandas reader: every cell as text, blank lines kept as rows of
    missing cells (not the ones after the last filled row)."""
    return _read_csv_lead(data, label)[0]


def _read_csv_lead(data: bytes, label: str) -> tuple[pd.DataFrame, int, np.ndarray]:
    """:func:`_read_csv`, the number of blank lines before the header and the
    positions of the blank rows kept (:func:`_blank_frame`, computed once)."""
    text = _decode(data, label)
    if not text.strip():
        raise DataError(
            f"{label}: the file is empty. Fix: export the table again with its "
            f"header row."
        )
    sep = _sniff_delimiter(text[:20000])
    # blank lines are kept (rows of missing cells) so that row numbers match
    # the file's lines; blank lines before the header are skipped and counted
    body = text.lstrip("\ufeff")
    stripped = body.lstrip("\r\n")
    skipped = body[: len(body) - len(stripped)]
    lead = skipped.count("\n") + skipped.count("\r") - skipped.count("\r\n")
    try:
        frame = pd.read_csv(
            io.StringIO(stripped),
            sep=sep,
            dtype=str,
            keep_default_na=False,
            na_values=[""],
            skipinitialspace=False,
            skip_blank_lines=False,
            engine="c",
        )
    except (pd.errors.ParserError, ValueError) as err:
        raise DataError(
            f"{label}: not a readable CSV file ({err}). "
            "Fix: check the delimiter and quoting, or export the table again."
        ) from err
    blank = _blank_frame(frame)
    if blank.size and blank[-1] == len(frame) - 1:  # trailing blank lines
        last_row = _last_filled(blank, len(frame))
        frame, blank = frame.iloc[:last_row], blank[blank < last_row]
    return frame, lead, blank


def _merged_ranges(path: Path, sheet_name: str) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges of one worksheet as (first row, first column, last
    row, last column), 1-based, read from the workbook's XML (pandas opens
    workbooks read-only, where openpyxl does not keep them). [] when the
    workbook cannot be read that way."""
    import re
    import zipfile
    from posixpath import join, normpath

    try:
        with zipfile.ZipFile(path) as z:
            book = z.read("xl/workbook.xml").decode("utf-8")
            rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8")
            rid = None
            for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", book):
                name = re.search(r'\bname="([^"]*)"', tag)
                if name and _xml_text(name.group(1)) == sheet_name:
                    rid = re.search(r'\br:id="([^"]*)"|\bid="([^"]*)"', tag)
                    rid = rid and (rid.group(1) or rid.group(2))
                    break
            if rid is None:
                return []
            target = None
            for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", rels):
                if re.search(rf'\bId="{re.escape(rid)}"', tag):
                    target = re.search(r'\bTarget="([^"]*)"', tag).group(1)
            if target is None:
                return []
            part = target.lstrip("/") if target.startswith("/") else join("xl", target)
            xml = z.read(normpath(part)).decode("utf-8")
    except (OSError, KeyError, ValueError, AttributeError, zipfile.BadZipFile):
        return []
    out = []
    merge = r'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]+\d+):([A-Z]+\d+)"'
    for ref in re.findall(merge, xml):
        (c1, r1), (c2, r2) = (_cell_ref(x) for x in ref)
        out.append((r1, c1, r2, c2))
    return out


def _xml_text(text: str) -> str:
    import html

    return html.unescape(text)


def _cell_ref(ref: str) -> tuple[int, int]:
    """(column, row), 1-based, of a cell reference such as ``AB12``."""
    letters = ref.rstrip("0123456789")
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return col, int(ref[len(letters) :])


def _fill_merged(frame: pd.DataFrame, ranges, label: str, sheet: str) -> list:
    """Give every cell of a merged range below the header the value of its
    top-left cell (Excel shows it across the range but stores it only
    there). Returns the note saying how many cells were filled."""
    filled, where = 0, []
    n, width = frame.shape
    for r1, c1, r2, c2 in sorted(ranges):
        if r1 < 2 or c1 > width or r1 - 2 >= n:
            continue  # a merged title or header (row 1 is never changed)
        i1, i2 = r1 - 2, min(r2 - 2, n - 1)
        j1, j2 = c1 - 1, min(c2 - 1, width - 1)
        value = frame.iat[i1, j1]
        block = frame.iloc[i1 : i2 + 1, j1 : j2 + 1]
        empty = block.isna().to_numpy()
        empty[0, 0] = False
        if not empty.any():
            continue
        for di, dj in zip(*np.nonzero(empty)):
            frame.iat[i1 + di, j1 + dj] = value
        filled += int(empty.sum())
        where.append(f"{_column_letter(c1 - 1)}{r1}:{_column_letter(c2 - 1)}{r2}")
    if not filled:
        return []
    shown = ", ".join(where[:5]) + (", ..." if len(where) > 5 else "")
    return [
        f"{label} (sheet {sheet!r}): {filled} cells of {len(where)} merged ranges "
        f"({shown}) were filled with the value of the range's first cell. Fix: "
        "if that is wrong, unmerge the cells and fill them in yourself."
    ]


def _read_excel(path: Path, label: str, sheet) -> tuple[pd.DataFrame, str, list]:
    try:
        book = pd.ExcelFile(path, engine="openpyxl")
    except Exception as err:  # openpyxl raises many kinds (zip, xml, key errors)
        raise DataError(
            f"{label}: not a readable Excel workbook ({type(err).__name__}: {err}). "
            "Fix: open it in Excel and save as .xlsx, or export CSV."
        ) from err
    with book:
        names = [str(n) for n in book.sheet_names]
        if sheet is None:
            chosen = names[0]
        elif isinstance(sheet, int) and not isinstance(sheet, bool):
            if not 0 <= sheet < len(names):
                raise DataError(
                    f"{label}: has no sheet number {sheet}. Sheets in file: {names}. "
                    "Fix: pass sheet= one of these names or a number from 0 "
                    "(command line: --sheet NAME)."
                )
            chosen = names[sheet]
        elif str(sheet) in names:
            chosen = str(sheet)
        else:
            raise DataError(
                f"{label}: has no sheet {sheet!r}. Sheets in file: {names}. "
                "Fix: pass sheet= one of these names (command line: --sheet NAME)."
            )
        frame = book.parse(chosen, dtype=object, keep_default_na=False, na_values=[""])
    frame.columns = [str(c) for c in frame.columns]
    notes = _fill_merged(frame, _merged_ranges(path, chosen), label, chosen)
    return frame, chosen, notes


def read_table(source, *, sheet=None, lazy: bool = False) -> RawTable:
    """Read ``source`` as it is.

    Parameters
    ----------
    source : str, pathlib.Path or pandas.DataFrame
        ``.csv``, ``.csv.gz``, ``.tsv``, ``.txt``, ``.xlsx``/``.xlsm`` or
        ``.parquet``; a DataFrame is copied (never modified).
    sheet : str or int, optional
        Worksheet of an XLSX file (default: the first sheet).
    lazy : bool, default=False
        Internal: leave the text columns the fast readers encode out of
        ``frame`` (see :attr:`RawTable.lazy`); the loaders that work on codes
        then never build a million-row object column they do not need.

    Returns
    -------
    RawTable

    Raises
    ------
    DataError
        File missing (or a folder), unreadable, of an unknown type, or without
        that sheet.
    """
    if isinstance(source, RawTable):  # internal: already read
        return source
    if isinstance(source, pd.DataFrame):
        frame = source.copy()
        frame.columns = [str(c) for c in frame.columns]
        frame.index = pd.RangeIndex(len(frame))  # our copy: no second copy
        return RawTable(frame, DATAFRAME_LABEL, blank=_blank_frame(frame))
    if not isinstance(source, (str, Path)):
        raise TypeError(
            "source must be a path (str or pathlib.Path) or a pandas DataFrame. "
            f"Got {type(source).__name__} instead."
        )
    path = Path(source)
    label = path.name
    if path.is_dir():
        raise DataError(
            f"{label or path}: is a folder, not a file ({path}). Fix: give the "
            "path of a file in it (.csv, .xlsx, .parquet, ...)."
        )
    if not path.is_file():
        raise DataError(
            f"{label}: file not found ({path}). Fix: check the path; relative "
            "paths start from the current working folder (in a notebook: the "
            "notebook's folder)."
        )
    data = path.read_bytes()
    # hashing releases the GIL: hash while the file is parsed
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(max_workers=1)
    digest_job = pool.submit(lambda: hashlib.sha256(data).hexdigest())
    pool.shutdown(wait=False)
    try:
        return _read_path(path, label, data, digest_job, sheet, lazy)
    finally:
        digest_job.result()


def _read_path(path, label, data, digest_job, sheet, lazy=False) -> RawTable:
    suffixes = _suffixes(path)
    last = suffixes[-1] if suffixes else ""
    chosen = None
    codes: dict = {}
    arrow: dict = {}
    headers: list = []
    if last == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise DataError(f"{label}: not a readable gzip file ({err}).") from err
        last = suffixes[-2] if len(suffixes) > 1 else ".csv"
    blank = None
    first_row = 2
    notes: list = []
    if last in _CSV_SUFFIXES or last == "":
        fast = _read_csv_arrow(data, materialize=not lazy)
        if fast is None:
            frame, lead, blank = _read_csv_lead(data, label)
            first_row += lead
        else:
            frame, codes, arrow, blank = fast
            if lazy:
                headers = list(codes)
    elif last in _EXCEL_SUFFIXES:
        frame, chosen, notes = _read_excel(path, label, sheet)
    elif last == ".xls":
        raise DataError(
            f"{label}: old .xls workbooks are not supported. Fix: save it as .xlsx "
            f"or CSV."
        )
    elif last in (".parquet", ".pq"):
        frame, codes, arrow, order = _read_parquet(data, label, materialize=not lazy)
        if lazy:
            headers = order
    else:
        raise DataError(
            f"{label}: unknown file type {last!r}. "
            "Fix: use .csv, .csv.gz, .tsv, .txt, .xlsx, .xlsm or .parquet."
        )
    if sheet is not None and chosen is None:
        raise DataError(
            f"{label}: sheet={sheet!r} was given but the file is not a workbook."
        )
    if blank is None:
        blank = _blank_frame(frame) if not codes else _blank_codes(frame, codes)
        trim = last not in (".parquet", ".pq")  # CSV and XLSX: nothing after it
        if trim and blank.size and blank[-1] == len(frame) - 1:
            last_row = _last_filled(blank, len(frame))
            frame = frame.iloc[:last_row]
            blank = blank[blank < last_row]
    frame.index = pd.RangeIndex(len(frame))  # a frame of our own: no copy
    return RawTable(
        frame,
        label,
        str(path),
        chosen,
        digest_job.result(),
        codes,
        arrow,
        headers,
        blank,
        notes,
        first_row,
    )


def _blank_codes(frame: pd.DataFrame, codes) -> np.ndarray:
    """Blank rows of a Parquet file: the coded columns' missing cells (code
    -1) and the other columns' NaN. Nothing is computed when some column has
    no missing cell."""
    masks = []
    for h, (idx, _) in codes.items():
        na = np.asarray(idx) < 0
        if not na.any():
            return np.zeros(0, dtype=np.int64)
        masks.append(na)
    for h in frame.columns:
        if h in codes:
            continue
        na = frame[h].isna().to_numpy()
        if not na.any():
            return np.zeros(0, dtype=np.int64)
        masks.append(na)
    if not masks:
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.logical_and.reduce(masks))
