"""The search index with remembered stems (litreview.site.search) is the index Sphinx writes itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sphinx.search.en import SearchEnglish

from litreview.site.search import RememberingEnglish

WORDS = "Running runners ran; the models were forgetting, forgotten and forgets. Running again".split()


def build_search_index(root: Path, extensions: list[str]) -> str:
    """A three-page Sphinx project built in a process of its own; its searchindex.js."""
    src = root / "src"
    src.mkdir(parents=True)
    (src / "conf.py").write_text(f'project = "search"\nextensions = {extensions!r}\n', encoding="utf-8")
    (src / "index.rst").write_text("Search\n======\n\n.. toctree::\n\n   one\n   two\n", encoding="utf-8")
    (src / "one.rst").write_text("Running models\n==============\n\n" + " ".join(WORDS) + "\n", encoding="utf-8")
    (src / "two.rst").write_text("Forgetting\n==========\n\nThe runners kept running; models forget.\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(root / "html")],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return (root / "html" / "searchindex.js").read_text(encoding="utf-8")


def test_the_search_index_is_byte_for_byte_sphinx_own(tmp_path: Path):
    ours = build_search_index(tmp_path / "ours", ["litreview.site.search"])
    sphinx_own = build_search_index(tmp_path / "sphinx", [])
    assert ours == sphinx_own
    terms = json.loads(ours[ours.index("(") + 1:ours.rindex(")")])["terms"]
    assert "run" in terms and "forget" in terms  # stemmed, not the words as written


def test_each_word_is_stemmed_as_sphinx_stems_it_and_remembered_once():
    ours, sphinx_own = RememberingEnglish({}), SearchEnglish({})
    assert [ours.stem(word) for word in WORDS + WORDS] == [sphinx_own.stem(word) for word in WORDS + WORDS]
    assert set(ours.stems) == set(WORDS)
