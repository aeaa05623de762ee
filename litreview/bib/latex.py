"""Web text to BibTeX/LaTeX text: what was meant stays, nothing in it acts as syntax.

Digest abstracts carry a few LaTeX text escapes (`39\\%`, `\\textit{...}`, ``` ``quotes'' ```,
`\\(^2\\)`). `interpret_text_escapes` reads those as the characters they stand for; everything
else is plain text. `escape_latex` then makes any plain text safe inside a braced BibTeX field.
pylatexenc's latex2text is not used for the first step because it reads a bare `%` as a comment
and a bare `$` as math, and both are common as plain text in abstracts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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
# The specials whose replacement holds no other special but the backslash it starts with: alone in a
# text, they can be replaced one after another; the others need the single pass of _SPECIAL.
_SIMPLE_SPECIALS = "%&$#_"
_OTHER_SPECIALS = "".join(c for c in _LATEX_SPECIALS if c not in _SIMPLE_SPECIALS)
_ASCII_SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"  # what str.split() splits ASCII text on, besides " "


def _contains_any(text: str, chars: str) -> bool:
    # One C-speed search per character: an abstract has most of them not at all, and a regex or
    # set() would visit every character of it in slower code.
    for char in chars:
        if char in text:
            return True
    return False


def interpret_text_escapes(text: str) -> str:
    """Replace the LaTeX text escapes found in web abstracts by the characters they stand for."""
    return _interpret_quotes(_interpret_backslash_escapes(text))


def _interpret_backslash_escapes(text: str) -> str:
    if "\\" in text:  # each of the three patterns starts with a backslash
        text = _TEXT_MACRO.sub(r"\1", text)
        text = _INLINE_MATH.sub(r"\1", text)
        text = _ESCAPED_CHAR.sub(r"\1", text)
    return text


def _interpret_quotes(text: str) -> str:
    for latex, char in _QUOTES:
        if latex[0] in text:  # a one-character search first: apostrophes are common, doubled ones rare
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
    if _contains_any(text, _ASCII_SPACES):
        for char in _ASCII_SPACES:
            text = text.replace(char, " ")
    while "  " in text:
        text = text.replace("  ", " ")
    return text.strip(" ")


def escape_specials(text: str) -> str:
    """Every LaTeX special character of `text` written as a command that prints it."""
    if _contains_any(text, _OTHER_SPECIALS):
        return _SPECIAL.sub(_escape_char, text)
    for char in _SIMPLE_SPECIALS:  # most text has none of them, and the rest one or two
        if char in text:
            text = text.replace(char, "\\" + char)
    return text


def escape_latex(text: str) -> str:
    """Plain text to LaTeX that prints the same characters, safe inside a braced BibTeX field."""
    return escape_specials(normalise_space(text))


def needs_case_protection(word: str) -> bool:
    """Capitals after the first letter (LLMs, DeepSeek, CoT) or capitals with digits (H100, R1):
    bibliography styles would otherwise lowercase them."""
    if word.islower():  # no upper-case letter at all (the common case): nothing to protect
        return False
    if word[0].isupper() and word[1:].islower() and not any(map(str.isdigit, word)):  # Capitalised: nothing to protect
        return False
    letters = "".join(filter(str.isalpha, word))
    return any(map(str.isupper, letters[1:])) or (any(map(str.isdigit, word)) and any(map(str.isupper, letters)))


def protected_word(word: str) -> str:
    """One word of a title (no whitespace) as the case-protected `title` field writes it."""
    if not needs_case_protection(word):
        return escape_specials(word)
    # Protect the word itself, not the punctuation around it: "{LLMs}:" rather than "{LLMs:}".
    lead, core, trail = _WORD_CORE.match(word).groups()
    return escape_specials(lead) + "{" + escape_specials(core) + "}" + escape_specials(trail)


def bibtex_title(title: str, protected: Callable[[str], str] = protected_word) -> str:
    """A title as the case-protected `title` field writes it. `protected` converts one word: a
    cached `protected_word` makes many titles faster, since the words of titles recur."""
    return " ".join(map(protected, interpret_text_escapes(title).split()))


def bibtex_text(text: str, protect_case: bool = False) -> str:
    """A field value for BibTeX: escapes interpreted, specials escaped, acronyms case-protected."""
    if protect_case:
        return bibtex_title(text)
    # Quotes last: neither spacing nor escaping touches them, and the text stays ASCII (and its
    # spacing quick to normalise) until then.
    return _interpret_quotes(escape_latex(_interpret_backslash_escapes(text)))
