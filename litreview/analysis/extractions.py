"""The review's curated extractions: what each paper proposes, where it intervenes, on what, with
which result, each cell with the abstract sentence it comes from.

They live in a folder of CSV files (`[themes] extractions`, default `data/extractions/`), one per
curator's batch, with the columns `paper_id,field,value,source,status`; people edit them and no
command rewrites a row (`prefill` only appends). Reading checks every row against the paper it
names, so that the comparison tables say nothing their abstracts do not: a `source` is a verbatim
part of the abstract, and every number of a `value` is a number of the abstract or title.

What counts as a number (`numbers_in`): a token that starts a word and holds digits, with what is
written against it: `0.5`, `.5` (read as 0.5), `1,000` (read as 1000), `53.44%` (also `53.44 %`
and LaTeX's `53.44\\%`), `2x` and `2×` (the same), `7B`, `7.7K`, and names with digits such as
`GSM8K`, `A100` or `4o` (of GPT-4o), compared case-insensitively. A number written with a unit or
inside a name must appear so; a bare number (`53.44`) also matches the same number with a unit
(`53.44%`, not `GSM53.44`). Number words (`three`) are not numbers here.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

COLUMNS = ("paper_id", "field", "value", "source", "status")
FIELDS = ("contribution", "intervention", "setting", "benchmarks", "metric", "result", "evidence")
INTERVENTIONS = ("data", "objective", "parameters", "architecture", "decoding", "prompting", "retrieval", "evaluation", "analysis")
STATUSES = ("checked", "prefilled")
NOT_STATED = "not stated"
CONTRIBUTION_WORDS = 25  # a contribution is a short phrase
TABLE_COLUMNS = [*COLUMNS, "file", "line"]

_NUMBER = r"(?:[0-9]{1,3}(?:,[0-9]{3})+(?![0-9])|[0-9]+)(?:\.[0-9]+)?|\.[0-9]+"
NUMBER_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_.])"  # a token starts a word: never the middle of a longer name or number
    rf"[A-Za-z]*(?:{_NUMBER})[A-Za-z0-9]*(?:\.[0-9]+[A-Za-z0-9]*)*"  # GSM8K, 7B, 7.7K, v1.2.3, 2x
    r"(?:\s?\\?%|×)?"  # 53.44%, 53.44 %, 53.44\%, 2×
)
_LEADING_NUMBER = re.compile(r"^[0-9.]+")
_THOUSANDS = re.compile(r"(?<=[0-9]),(?=[0-9]{3})")


def canonical_number(token: str) -> str:
    """One spelling per number: no thousands separators, no space or backslash before %, x for ×,
    a leading 0 before a bare decimal point, lower case."""
    token = _THOUSANDS.sub("", token).replace("×", "x").replace("\\%", "%").replace(" %", "%").casefold()
    return "0" + token if token.startswith(".") else token


def numbers_in(text: str) -> list[str]:
    """Every number of `text` (see the module's docstring), canonical, in order."""
    return [canonical_number(m.group(0)) for m in NUMBER_TOKEN.finditer(text)]


def missing_numbers(value: str, reference: str) -> list[str]:
    """The numbers of `value` that `reference` (a paper's title and abstract) does not have."""
    known = set(numbers_in(reference))
    bare = {m.group(0) for m in map(_LEADING_NUMBER.match, known) if m}
    missing = []
    for number in numbers_in(value):
        if number in known or (_LEADING_NUMBER.fullmatch(number) and number in bare):
            continue
        missing.append(number)
    return missing


@dataclass(frozen=True)
class Extractions:
    """The valid rows of every extraction file (`table`: TABLE_COLUMNS, one row per paper and
    field, by paper then field order) and one line per problem found (file:line: what is wrong)."""

    table: pd.DataFrame
    problems: tuple[str, ...]


def empty_table() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c == "line" else "string") for c in TABLE_COLUMNS})


def read_extraction_files(folder: Path) -> tuple[list[dict[str, object]], list[str]]:
    """Every row of every `*.csv` of the folder (by file name), with its file and starting line,
    and the problems that make a file or row unreadable. A missing folder has no rows."""
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    for path in sorted(Path(folder).glob("*.csv")) if Path(folder).is_dir() else []:
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); save it as UTF-8")
            continue
        reader = csv.reader(text.splitlines(keepends=True))
        try:
            header = next(reader, None)
            if header is None:
                problems.append(f"{path}:1: empty file; it needs the header {','.join(COLUMNS)}")
                continue
            header = [name.strip().lstrip("\ufeff") for name in header]
            missing = [c for c in COLUMNS if c not in header]
            unknown = [c for c in header if c not in COLUMNS]
            if missing or unknown or len(set(header)) != len(header):
                said = [f"missing column {c!r}" for c in missing] + [f"unknown column {c!r}" for c in unknown]
                problems.append(f"{path}:1: {'; '.join(said) or 'a column is named twice'} (the header is {','.join(COLUMNS)})")
                continue
            line = reader.line_num + 1
            for cells in reader:
                if cells:  # a blank line is no row
                    if len(cells) != len(header):
                        problems.append(f"{path}:{line}: {len(cells)} cells, but the header has {len(header)}")
                    else:
                        rows.append({**dict(zip(header, cells)), "file": path.name, "line": line, "path": str(path)})
                line = reader.line_num + 1
        except csv.Error as exc:
            problems.append(f"{path}:{reader.line_num}: not valid CSV ({exc})")
    return rows, problems


def row_problems(row: dict[str, object], papers: dict[str, tuple[str, str]]) -> list[str]:
    """What is wrong with one row, against `papers` (paper_id -> (title, abstract))."""
    paper_id, field, status = (str(row[c]).strip() for c in ("paper_id", "field", "status"))
    value, source = str(row["value"]), str(row["source"])  # a source is compared as written
    problems = []
    if paper_id not in papers:
        problems.append(f"unknown paper id {paper_id!r} (paper ids are the paper_id column of build/tables/papers.csv)")
    if field not in FIELDS:
        problems.append(f"unknown field {field!r} (fields: {', '.join(FIELDS)})")
    if status not in STATUSES:
        problems.append(f"status {status!r} is neither 'checked' nor 'prefilled'")
    if problems:
        return problems
    title, abstract = papers[paper_id]
    where = f"paper {paper_id}'s"
    if not value.strip():
        return [f"empty value of {field!r}; write '{NOT_STATED}' when the abstract does not say"]
    if value.strip() == NOT_STATED:
        return [f"{field!r} is '{NOT_STATED}' but has a source; leave the source empty"] if source.strip() else []
    if not source.strip():
        problems.append(f"{field!r} has no source: give the sentence of the abstract it comes from, or the value '{NOT_STATED}'")
    elif source not in abstract:
        problems.append(f"the source of {field!r} is not a verbatim part of {where} abstract: {_preview(source)}")
    missing = missing_numbers(value, f"{title}\n{abstract}")
    if missing:
        problems.append(f"the value of {field!r} has {', '.join(missing)}, not a number of {where} abstract or title")
    if field == "intervention":
        unknown = [term for term in (t.strip() for t in value.split(";")) if term not in INTERVENTIONS]
        if unknown:
            problems.append(f"intervention {', '.join(map(repr, unknown))} is not one of {', '.join(INTERVENTIONS)} (';'-separated)")
    if field == "contribution" and len(value.split()) > CONTRIBUTION_WORDS:
        problems.append(f"the contribution has {len(value.split())} words; say it in at most {CONTRIBUTION_WORDS}")
    return problems


def validate_extractions(rows: Iterable[dict[str, object]], papers: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """The valid rows as a tidy table (TABLE_COLUMNS, by paper then field order) and one line per
    problem: an unknown field, paper or status, a source that is not in the abstract, a number
    that is not in the abstract or title, the same paper and field given twice (in any files)."""
    texts = dict(zip(papers["paper_id"], zip(papers["title"], papers["abstract"])))
    seen: dict[tuple[str, str], str] = {}
    valid, problems = [], []
    for row in rows:
        where = f"{row['path']}:{row['line']}"
        found = row_problems(row, texts)
        key = (str(row["paper_id"]).strip(), str(row["field"]).strip())
        if key in seen:
            found.append(f"paper {key[0]} has its {key[1]!r} already at {seen[key]}; keep one row per paper and field")
        seen.setdefault(key, f"{row['file']}:{row['line']}")
        problems += [f"{where}: {problem}" for problem in found]
        if not found:
            valid.append({"paper_id": key[0], "field": key[1], "value": str(row["value"]).strip(), "source": str(row["source"]),
                          "status": str(row["status"]).strip(), "file": row["file"], "line": row["line"]})
    if not valid:
        return empty_table(), problems
    table = pd.DataFrame(valid, columns=TABLE_COLUMNS)
    table["order"] = table["field"].map(FIELDS.index)
    table = table.sort_values(["paper_id", "order"], kind="stable").drop(columns="order").reset_index(drop=True)
    return table.astype({c: "string" for c in TABLE_COLUMNS if c != "line"} | {"line": "int64"}), problems


def load_extractions(folder: Path, papers: pd.DataFrame) -> Extractions:
    """The extraction files of a folder, read and checked against the review's papers."""
    rows, problems = read_extraction_files(folder)
    table, row_problems_found = validate_extractions(rows, papers)
    return Extractions(table, tuple(problems + row_problems_found))


def compute_extraction_coverage(paper_themes: pd.DataFrame, extractions: pd.DataFrame, theme_ids: Sequence[str]) -> pd.DataFrame:
    """Per theme: its papers, those extracted (any row), those not yet extracted, and those with a
    prefilled row that nobody has checked yet."""
    extracted = set(extractions["paper_id"])
    prefilled = set(extractions.loc[extractions["status"] == "prefilled", "paper_id"])
    rows = []
    for theme in theme_ids:
        members = set(paper_themes.loc[paper_themes["theme"] == theme, "paper_id"])
        rows.append((theme, len(members), len(members & extracted), len(members - extracted), len(members & prefilled)))
    return pd.DataFrame(rows, columns=["theme", "papers", "extracted", "not_yet_extracted", "prefilled_unchecked"])


def describe_coverage(row: pd.Series) -> str:
    """What `litreview status`, `build` and `extract --check` say of a theme's extractions."""
    return f"{row['extracted']} extracted, {row['not_yet_extracted']} not yet extracted, {row['prefilled_unchecked']} prefilled-unchecked"


def _preview(text: str, width: int = 70) -> str:
    return repr(text if len(text) <= width else text[: width - 1] + "…")
