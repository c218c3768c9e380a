"""Loading a suggestion model cheaply (issue 22: <= 1 s in a fresh process): spaCy imported
without its command line, and the tokenizer's special cases added only when a text can use
them, with exactly the tokens of spaCy's own tokenizer."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("spacy")

REPO = Path(__file__).resolve().parents[2]


def _fresh(code: str) -> dict:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_spacy_is_imported_without_its_command_line_which_still_works_later():
    got = _fresh(
        "import json, sys\n"
        "from isfannotate.suggest import require_spacy\n"
        "spacy = require_spacy()\n"
        "before = sorted(m for m in ('spacy.cli', 'typer', 'weasel', 'httpx', 'jinja2') if m in sys.modules)\n"
        "nlp = spacy.blank('en')\n"
        "import spacy.cli\n"
        "from spacy.cli.info import info\n"
        "print(json.dumps({'before': before, 'cli_real': hasattr(spacy.cli, 'setup_cli'),\n"
        "                  'info': spacy.info()['spacy_version'] == spacy.__version__,\n"
        "                  'tokens': [t.text for t in nlp(\"Don't go.\")]}))\n")
    assert got["before"] == []                 # none of the command line was imported
    assert got["cli_real"] and got["info"]     # the real command line, imported when asked for
    assert got["tokens"] == ["Do", "n't", "go", "."]


def test_a_model_loads_without_the_command_line(suggest_model_project):
    got = _fresh(
        "import json, sys\n"
        "from isfannotate import Project\n"
        f"p = Project.open({str(suggest_model_project)!r})\n"
        "rec = p.load_suggestion_model()\n"
        "print(json.dumps({'loaded': rec is not None, 'cli': 'spacy.cli' in sys.modules,\n"
        "                  'cases': rec.nlp.tokenizer.added}))\n")
    assert got == {"loaded": True, "cli": False, "cases": got["cases"]}
    assert got["cases"] < 100                  # of ~1,350: only those holding whitespace so far


def _tokens(doc) -> list[tuple[int, str, str, str]]:
    return [(t.idx, t.text, t.norm_, t.whitespace_) for t in doc]


def test_the_lazy_tokenizer_gives_the_tokens_of_spacys_tokenizer():
    import spacy

    from isfannotate.suggest.tokenizer import lazy_tokenizer
    full = spacy.blank("en")
    lazy = lazy_tokenizer(spacy.blank("en"))
    assert lazy.added < 100
    texts = [p.read_text(encoding="utf-8") for p in sorted((REPO / "seeds").glob("0*.txt"))]
    rules = list(full.tokenizer.rules)
    texts += ["Mr. O'Neill said: it's 5 p.m. in the U.S.; don't :) (e.g. 'em)",
              " ".join(rules), "".join(rules), " , ".join(rules[::-1])]
    for text in texts:
        assert _tokens(lazy(text)) == _tokens(full(text))
    assert lazy.added == len(rules)           # every case once the texts used them all


def test_the_loaded_model_suggests_as_before(suggest_model_project, tmp_path):
    """The lazy tokenizer is the one the loaded model uses; its spans fall on the tokens the
    full tokenizer makes (the model was trained with it)."""
    import shutil

    import spacy

    from isfannotate import Project
    from isfannotate.suggest.tokenizer import LazyTokenizer
    path = tmp_path / "p.isf"
    shutil.copy(suggest_model_project, path)
    with Project.open(path) as p:
        rec = p.load_suggestion_model()
        assert isinstance(rec.nlp.tokenizer, LazyTokenizer)
        text = p.document("gen0100").text
        full = spacy.blank("en")
        assert _tokens(rec.nlp.make_doc(text)) == _tokens(full(text))
        starts = {t.idx for t in full(text)}
        found = rec.predict_spans(text)
        assert found and all(s in starts for s, _, _, _ in found)
