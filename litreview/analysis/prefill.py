"""`litreview extract`: first guesses at a paper's extraction, from its abstract, for a person to correct.

The guesses are generic (no theme, model or benchmark of a particular review is named here): the
sentence where the authors propose or find something is the contribution, words of that sentence
say where it intervenes, model and benchmark names are read where the abstract names them, the
first sentence with a percentage or factor is the result. Each guess carries its sentence and the
status `prefilled`; a field with nothing to go on is `not stated`.

Rows are only ever appended, for theme papers that have no row in any file, to the file of the
paper's first theme (`<theme>.csv` in the extraction folder, created with its header if absent):
the bytes of an existing file are always a prefix of its new bytes.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from ..fileio import write_bytes_atomic
from ..themes.sentences import split_sentences
from .extractions import COLUMNS, FIELDS, NOT_STATED, NUMBER_TOKEN, row_problems

_PROPOSES = re.compile(r"\b(?:we|this (?:paper|work|study))\s+(?:propose|introduce|present|develop|design)s?\b", re.IGNORECASE)
_FINDS = re.compile(r"\b(?:we|this (?:paper|work|study))\s+(?:find|show|study|investigate|examine|analy[sz]e|demonstrate|reveal|observe)s?\b",
                    re.IGNORECASE)
_INTERVENTION_CUES = {
    "data": r"\b(?:data(?:sets?)?|synthetic|curat\w+|annotat\w+)\b",
    "objective": r"\b(?:loss|objective|reward\w*|preference optimi[sz]ation|DPO|RLHF|reinforcement learning|fine-tun\w+|training)\b",
    "parameters": r"\b(?:LoRA|low-rank|parameter-efficient|weights?|merg\w+|pruning|model editing)\b",
    "architecture": r"\b(?:architecture|attention heads?|layers?|modules?|adapters?|mixture[- ]of[- ]experts)\b",
    "decoding": r"\b(?:decoding|sampling|beam search|logits?|inference-time)\b",
    "prompting": r"\b(?:prompt\w*|in-context|few-shot)\b",
    "retrieval": r"\b(?:retriev\w+|RAG|knowledge bases?)\b",
    "evaluation": r"\b(?:benchmarks?|metrics?|leaderboards?|evaluation (?:framework|suite|protocol))\b",
}
_CUES = {term: re.compile(pattern, re.IGNORECASE) for term, pattern in _INTERVENTION_CUES.items()}
_MODEL = re.compile(
    r"\b(?:GPT-?[0-9][\w.-]*|Llama[\w.-]*|LLaMA[\w.-]*|Mi[sx]tral[\w.-]*|Qwen[\w.-]*|Gemma[\w.-]*|Claude[\w.-]*|PaLM[\w.-]*|"
    r"Vicuna[\w.-]*|DeepSeek[\w.-]*|Phi-[\w.-]+|Falcon[\w.-]*|OPT-[\w.-]+|Pythia[\w.-]*|T5[\w.-]*|RoBERTa|BERT|LLaVA[\w.-]*|"
    r"InstructBLIP|MiniGPT-[\w.-]+|o[13](?:-mini)?)(?:\s+[0-9.]+[BM]\b)?"
)
_MODEL_KIND = re.compile(r"\b(?:large language models?|LLMs?|(?:large )?vision[- ]language models?|[LM]?[LV]LMs|MLLMs?|language models?)\b",
                         re.IGNORECASE)
_CANDIDATE_NAME = re.compile(r"(?<![\w-])[A-Z][\w]*(?:-[\w]+)*")
_NAME_SHAPE = re.compile(r"[0-9]|[a-z][A-Z]|^[A-Z]{3,}|(?:QA|Bench|Eval)")  # GSM8K, TruthfulQA, MMLU, HaloQuest
_NOT_BENCHMARK = re.compile(r"^(?:[LMV]?[LV]?LMs?|MLLMs?|LVLMs?|NLP|AI|CoT|RL|RLHF|RAG|SFT|DPO|LoRA|API|GPU|QA|SOTA|OOD|ID|ViTs?|MoE)$", re.IGNORECASE)
_BENCHMARK_CONTEXT = re.compile(r"\b(?:benchmarks?|datasets?|evaluat\w+|experiments?|tested|results on)\b", re.IGNORECASE)
_METRIC = re.compile(
    r"\b(?:accuracy|F1|exact match|BLEU|ROUGE[\w-]*|pass@[0-9]+|win rates?|FactScore|AUROC|AUC|perplexity|hallucination rates?|"
    r"success rates?|calibration error|ECE|refusal rates?|error rates?|truthfulness)\b",
    re.IGNORECASE,
)
_RESULT_NUMBER = re.compile(r"%|[0-9](?:x|×)(?![A-Za-z])|\bfold\b|\btimes\b")
_RESULT_WORDS = re.compile(r"\b(?:outperform\w*|improv\w*|reduc\w*|surpass\w*|gains?|better|boost\w*)\b", re.IGNORECASE)
_EVIDENCE = re.compile(r"\b(?:experiments?|evaluat\w+ on|across (?:[0-9]+|\w+) (?:models|benchmarks|datasets|tasks|LLMs)|extensive|case study)\b",
                       re.IGNORECASE)


def _clip(text: str, words: int) -> str:
    """At most `words` words (whole words, so numbers stay whole), without closing punctuation."""
    parts = text.split()
    clipped = " ".join(parts[: words - 1]) + " …" if len(parts) > words else " ".join(parts)
    return clipped.rstrip(".,;:")


def _distinct(found: Sequence[str]) -> list[str]:
    return list(dict.fromkeys(f.rstrip(".,;:-") for f in found))


def guess_fields(abstract: str) -> dict[str, tuple[str, str]]:
    """field -> (value, source sentence) guessed from an abstract; `not stated` with no source
    where nothing in it answers."""
    sentences = [abstract[start:end] for start, end in split_sentences(abstract)]
    guesses: dict[str, tuple[str, str]] = {}

    def first(pattern: re.Pattern[str], among: Sequence[str] = sentences) -> str | None:
        return next((s for s in among if pattern.search(s)), None)

    proposal = first(_PROPOSES)
    contribution = proposal or first(_FINDS)
    if contribution:
        verb = (_PROPOSES if proposal else _FINDS).search(contribution)
        guesses["contribution"] = (_clip(contribution[verb.end() - len(verb.group(0).split()[-1]):], 25), contribution)
        terms = [term for term, cue in _CUES.items() if cue.search(contribution)] if proposal else ["analysis"]
        if terms:
            guesses["intervention"] = ("; ".join(terms), contribution)
    models = max(sentences, key=lambda s: len(_MODEL.findall(s)), default="")
    if models and _MODEL.search(models):
        guesses["setting"] = (", ".join(_distinct(_MODEL.findall(models))), models)
    elif (kind := first(_MODEL_KIND)) is not None:
        guesses["setting"] = (_MODEL_KIND.search(kind).group(0), kind)

    # The names of the contribution's sentence are the method's own, not what it is measured on.
    own = set(_CANDIDATE_NAME.findall(contribution or ""))

    def names(sentence: str) -> list[str]:
        models_here = {m.rstrip(".,;:-") for m in _MODEL.findall(sentence)}
        found = [name for name in _CANDIDATE_NAME.findall(sentence) if _NAME_SHAPE.search(name)]
        return [n for n in _distinct(found) if not _NOT_BENCHMARK.match(n) and n not in models_here and n not in own]

    named = [s for s in sentences if _BENCHMARK_CONTEXT.search(s) and names(s)]
    if named:
        best = max(named, key=lambda s: len(names(s)))
        guesses["benchmarks"] = ("; ".join(names(best)), best)
    measured = [s for s in sentences if _METRIC.search(s)]
    if measured:
        best = next((s for s in measured if NUMBER_TOKEN.search(s)), measured[0])
        guesses["metric"] = ("; ".join(_distinct([m.lower() if m.islower() else m for m in _METRIC.findall(best)])), best)
    # A result comes after what it is the result of: the sentences from the contribution on.
    later = sentences[sentences.index(contribution):] if contribution else sentences
    result = first(_RESULT_NUMBER, later) or first(_RESULT_WORDS, later[1:] if contribution else later)
    if result:
        guesses["result"] = (_clip(result, 40), result)
    evidence = first(_EVIDENCE)
    if evidence:
        guesses["evidence"] = (_clip(evidence, 30), evidence)
    return guesses


def prefill_rows(paper_id: str, title: str, abstract: str) -> list[dict[str, str]]:
    """One `prefilled` row per field for a paper; a guess that would not pass the checks (which
    cannot happen by construction, but the rows are published) becomes `not stated`."""
    guesses = guess_fields(abstract)
    rows = []
    for field in FIELDS:
        value, source = guesses.get(field, (NOT_STATED, ""))
        row = {"paper_id": paper_id, "field": field, "value": value, "source": source, "status": "prefilled"}
        if row_problems(row, {paper_id: (title, abstract)}):
            row.update(value=NOT_STATED, source="")
        rows.append(row)
    return rows


def plan_prefill(tables: Mapping[str, pd.DataFrame], theme_ids: Sequence[str]) -> dict[str, list[dict[str, str]]]:
    """File name (`<theme>.csv`) -> the rows to append: every theme paper with no extraction row,
    in the file of its first theme (in the order of `theme_ids`), by paper id."""
    papers = tables["papers"].set_index("paper_id")
    paper_themes = tables["paper_themes"]
    done = set(tables["extractions"]["paper_id"])
    planned: dict[str, list[dict[str, str]]] = {}
    for theme in theme_ids:
        members = sorted(set(paper_themes.loc[paper_themes["theme"] == theme, "paper_id"]) - done)
        for paper_id in members:
            planned.setdefault(f"{theme}.csv", []).extend(prefill_rows(paper_id, papers.at[paper_id, "title"], papers.at[paper_id, "abstract"]))
        done.update(members)
    return planned


def appended_bytes(existing: bytes | None, rows: Sequence[Mapping[str, str]]) -> bytes:
    """A file's bytes with `rows` appended (a new file: the header first). The existing bytes are
    kept as they are, with the line ending they use; a last line without one gets one first."""
    newline = "\r\n" if existing and b"\r\n" in existing.split(b"\n", 1)[0] + b"\n" else "\n"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator=newline)
    if existing is None:
        writer.writerow(COLUMNS)
    writer.writerows([[row[c] for c in COLUMNS] for row in rows])
    head = existing or b""
    if head and not head.endswith(b"\n"):
        head += newline.encode()
    return head + buffer.getvalue().encode("utf-8")


def write_prefill(folder: Path, planned: Mapping[str, Sequence[Mapping[str, str]]]) -> list[tuple[Path, int]]:
    """Append the planned rows to their files (atomically); returns (file, rows appended)."""
    written = []
    for name, rows in sorted(planned.items()):
        path = Path(folder) / name
        write_bytes_atomic(path, appended_bytes(path.read_bytes() if path.exists() else None, rows))
        written.append((path, len(rows)))
    return written
