"""The data dictionary: every table the pipeline writes, its columns, their types and meaning.

This is the one place columns are declared; the tables stage orders its output by it and the site
shows it as the data dictionary.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # a pandas dtype name
    description: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    sort_by: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


PAPERS = Table(
    "papers",
    "One row per paper of the review, in order of first appearance (digest date, order in review.toml, position).",
    (
        Column("paper_id", "string", "Stable id: 'p' + 12 hex digits of the SHA-1 of the normalised title (NFKC, case-folded, single spaces)."),
        Column("title", "string", "The title exactly as written in the newest digest that lists the paper (see title_digest)."),
        Column("abstract", "string", "The abstract exactly as written (raw LaTeX kept) in the newest digest that has one; empty when none had."),
        Column("title_digest", "string", "File name of the digest the title was taken from: the newest listing the paper "
               "(by date, then order in review.toml)."),
        Column("abstract_digest", "string", "File name of the digest the abstract was taken from: the newest with an abstract for the paper; "
               "empty when none had one."),
        Column("arxiv_id", "string", "arXiv identifier without version (e.g. 2410.13413); empty when the paper is not on arXiv or was not matched."),
        Column("published", "string", "Date of the first arXiv version (YYYY-MM-DD); empty when unknown."),
        Column("year", "Int64", "Year of the first version; from the arXiv id's YYMM when the date is unknown."),
        Column("month", "Int64", "Month (1-12) of the first version, as for year."),
        Column("primary_category", "string", "arXiv primary category (e.g. cs.CL); empty when unknown."),
        Column("venue", "string", "Peer-reviewed venue when known (e.g. ICLR 2025); empty otherwise."),
        Column("citekey", "string", "Citation key, pinned in bib/citekeys.csv once assigned (e.g. du2024think)."),
        Column("citekey_status", "string", "'complete' (first author, year, title word: du2024think) or 'provisional' (no authors known: two title "
               "words and the year, e.g. semanticentropy2025; 'litreview bib --rekey' upgrades it once the metadata has the authors)."),
    ),
    sort_by=(),
)

PAPER_DIGESTS = Table(
    "paper_digests",
    "One row per appearance of a paper in a digest.",
    (
        Column("paper_id", "string", "The paper (see papers.paper_id)."),
        Column("digest", "string", "File name of the digest, as listed in review.toml."),
        Column("digest_date", "string", "Date of the digest (YYYY-MM-DD), from review.toml."),
        Column("position", "int64", "1-based position of the paper among the digest's papers."),
        Column("line", "int64", "Line number of the paper's title in the digest file."),
    ),
    sort_by=("digest_date", "digest", "position"),
)

LINKS = Table(
    "links",
    "One row per URL found in an abstract (a full stop or bracket that ends the sentence is not part of the URL).",
    (
        Column("paper_id", "string", "The paper whose abstract contains the URL."),
        Column("url", "string", "The URL as written, without trailing sentence punctuation."),
        Column("kind", "string", "code (GitHub, GitLab, ...), project page (*.github.io, ...), data (dataset hosts) or other."),
    ),
    sort_by=("paper_id", "url"),
)

AUTHORS = Table(
    "authors",
    "One row per author of a paper, in the order of the byline (from the metadata cache).",
    (
        Column("paper_id", "string", "The paper (see papers.paper_id)."),
        Column("position", "int64", "1-based position in the byline."),
        Column("name", "string", "The author's name as 'Given Family', Unicode kept."),
    ),
    sort_by=("paper_id", "position"),
)

PAPER_THEMES = Table(
    "paper_themes",
    "One row per paper and theme it belongs to, with the evidence that decided it (themes.toml, data/curation.toml).",
    (
        Column("paper_id", "string", "The paper (see papers.paper_id)."),
        Column("theme", "string", "Theme id from themes.toml (e.g. forgetting, hallucination, cot)."),
        Column("subtheme", "string", "Sub-theme id within the theme (the one whose phrases score highest)."),
        Column("score", "float64", "The classifier's score for the theme (threshold in themes.toml), also for curated rows."),
        Column("evidence", "string", "The sentence of the title or abstract that contributed most, exactly as written."),
        Column("matched", "string", "The signals that fired, joined by '; '; for curated rows 'curation: <reason>'; "
                                       "for learned rows the model's probability and top terms."),
        Column("source", "string", "'rule' (the classifier decided), 'learned' (the optional learned signal, [themes.learned]) "
                                      "or 'curation' (data/curation.toml decided)."),
    ),
    sort_by=("theme", "paper_id"),
)

EXTRACTIONS = Table(
    "extractions",
    "One row per paper and field of the review's curated extractions (the CSV files of [themes] extractions, "
    "data/extractions/ by default), by paper then field; only rows that pass every check.",
    (
        Column("paper_id", "string", "The paper (see papers.paper_id)."),
        Column("field", "string", "contribution, intervention, setting, benchmarks, metric, result or evidence."),
        Column("value", "string", "The cell text; every number in it is in the paper's abstract or title; 'not stated' when the abstract does not say."),
        Column("source", "string", "The sentence of the abstract the value comes from, verbatim; empty for 'not stated'."),
        Column("status", "string", "'checked' (a person read it against the abstract) or 'prefilled' (by litreview extract, to be corrected)."),
        Column("file", "string", "The extraction file the row is in."),
        Column("line", "int64", "The line of that file where the row starts."),
    ),
    sort_by=(),  # already by paper, then in the order of the fields (not alphabetical)
)

TABLES: dict[str, Table] = {t.name: t for t in (PAPERS, PAPER_DIGESTS, LINKS, AUTHORS, PAPER_THEMES, EXTRACTIONS)}
