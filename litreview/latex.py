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


def escape_latex(text: str) -> str:
    """Plain text to LaTeX that prints the same characters, safe inside a braced BibTeX field."""
    return _SPECIAL.sub(lambda m: _LATEX_SPECIALS[m.group(0)], " ".join(text.split()))


def needs_case_protection(word: str) -> bool:
    """Capitals after the first letter (LLMs, DeepSeek, CoT) or capitals with digits (H100, R1):
    bibliography styles would otherwise lowercase them."""
    if word.islower():  # no upper-case letter at all (the common case): nothing to protect
        return False
    if word[0].isupper() and word[1:].islower() and not any(map(str.isdigit, word)):  # Capitalised: nothing to protect
        return False
    letters = "".join(filter(str.isalpha, word))
    return any(map(str.isupper, letters[1:])) or (any(map(str.isdigit, word)) and any(map(str.isupper, letters)))


def bibtex_text(text: str, protect_case: bool = False) -> str:
    """A field value for BibTeX: escapes interpreted, specials escaped, acronyms case-protected."""
    text = interpret_text_escapes(text)
    if not protect_case:
        # Same result as escaping word by word (escaping adds no spaces), in one regex pass.
        return escape_latex(text)
    words = text.split()
    out = []
    for word in words:
        if protect_case and needs_case_protection(word):
            # Protect the word itself, not the punctuation around it: "{LLMs}:" rather than "{LLMs:}".
            lead, core, trail = _WORD_CORE.match(word).groups()
            out.append(escape_latex(lead) + "{" + escape_latex(core) + "}" + escape_latex(trail))
        else:
            out.append(_SPECIAL.sub(_escape_char, word))  # a word has no whitespace to normalise
    return " ".join(out)
