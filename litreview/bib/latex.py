"""Web text to BibTeX/LaTeX text: what was meant stays, nothing in it acts as syntax.

Digest abstracts carry a few LaTeX text escapes (`39\\%`, `\\textit{...}`, ``` ``quotes'' ```,
`\\(^2\\)`). `interpret_text_escapes` reads those as the characters they stand for; everything
else is plain text. `escape_latex` then makes any plain text safe inside a braced BibTeX field.
pylatexenc's latex2text is not used for the first step because it reads a bare `%` as a comment
and a bare `$` as math, and both are common as plain text in abstracts.
"""

from __future__ import annotations

import re

_ESCAPED_CHAR = re.compile(r"\\([%&$#_{}])")
_TEXT_MACRO = re.compile(r"\\(?:textit|textbf|emph|texttt|textrm|textsf|textsc|mathrm|mathbf|mathit|text)\{([^{}\\]*)\}")
_INLINE_MATH = re.compile(r"\\\((.*?)\\\)")
_QUOTES = (("``", "\u201c"), ("''", "\u201d"))

# Braces are written as commands, never as `\{`: BibTeX counts every brace, escaped or not, so a
# lone `\{` would unbalance the field.
_LATEX_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "%": r"\%",
    "&": r"\&",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_WORD_CORE = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.DOTALL)
_SPECIAL = re.compile("|".join(re.escape(c) for c in _LATEX_SPECIALS))
_ASCII_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.split() splits ASCII text on, besides " "


def interpret_text_escapes(text: str) -> str:
    """Replace the LaTeX text escapes found in web abstracts by the characters they stand for."""
    if "\\" in text:  # each of the three patterns starts with a backslash
        text = _TEXT_MACRO.sub(r"\1", text)
        text = _INLINE_MATH.sub(r"\1", text)
        text = _ESCAPED_CHAR.sub(r"\1", text)
    for latex, char in _QUOTES:
        text = text.replace(latex, char)
    return text


def _escape_char(match: re.Match[str]) -> str:
    return _LATEX_SPECIALS[match.group(0)]


def normalise_space(text: str) -> str:
    """`" ".join(text.split())`: runs of whitespace as one space, none at the ends."""
    if not text.isascii():
        return " ".join(text.split())
    # The same for ASCII text, with C-speed searches instead of a list of every word (an abstract's
    # words are most of the time spent writing the bib).
    for char in _ASCII_SPACES:
        if char in text:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def _has_specials(text: str) -> bool:
    return any(char in text for char in _LATEX_SPECIALS)  # C-speed searches: most text has none


def escape_latex(text: str) -> str:
    """Plain text to LaTeX that prints the same characters, safe inside a braced BibTeX field."""
    text = normalise_space(text)
    return _SPECIAL.sub(_escape_char, text) if _has_specials(text) else text


def needs_case_protection(word: str) -> bool:
    """Capitals after the first letter (LLMs, DeepSeek, CoT) or capitals with digits (H100, R1):
    bibliography styles would otherwise lowercase them."""
    if word.islower():  # no upper-case letter at all (the common case): nothing to protect
        return False
    if word[0].isupper() and word[1:].islower() and not any(map(str.isdigit, word)):  # Capitalised: nothing to protect
        return False
    letters = "".join(filter(str.isalpha, word))
    return any(map(str.isupper, letters[1:])) or (any(map(str.isdigit, word)) and any(map(str.isupper, letters)))


def _escape_word(word: str) -> str:
    return _SPECIAL.sub(_escape_char, word)  # a word has no whitespace to normalise


def bibtex_text(text: str, protect_case: bool = False) -> str:
    """A field value for BibTeX: escapes interpreted, specials escaped, acronyms case-protected."""
    text = interpret_text_escapes(text)
    if not protect_case:
        return escape_latex(text)
    escape = _escape_word if _has_specials(text) else (lambda word: word)  # most titles have nothing to escape
    out = []
    for word in text.split():
        if needs_case_protection(word):
            # Protect the word itself, not the punctuation around it: "{LLMs}:" rather than "{LLMs:}".
            lead, core, trail = _WORD_CORE.match(word).groups()
            out.append(escape(lead) + "{" + escape(core) + "}" + escape(trail))
        else:
            out.append(escape(word))
    return " ".join(out)
