"""`.ci/dev.py test` checks the code (ruff, then mypy, as pyproject.toml configures them) before
pytest, and fails with the checker's findings and a one-line reason (issue 21)."""
from __future__ import annotations

import importlib.util
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

CONFIG = """
[tool.ruff]
line-length = 120
[tool.ruff.lint]
select = ["E", "F", "W", "I", "UP", "B"]

[tool.mypy]
files = ["pkg"]
strict = true
"""


@pytest.fixture(scope="module")
def dev():
    spec = importlib.util.spec_from_file_location("_isfannotate_dev", ROOT / ".ci" / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not (module.BIN / "ruff").exists() or not (module.BIN / "mypy").exists():
        pytest.skip("ruff and mypy come with the test extra: `python3 .ci/dev.py test` installs them")
    return module


def _project(tmp_path: Path, code: str) -> Path:
    (tmp_path / "pyproject.toml").write_text(CONFIG)
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text(textwrap.dedent(code).lstrip())
    return tmp_path


def test_clean_code_passes_both_checks(dev, tmp_path):
    root = _project(tmp_path, """
        def double(n: int) -> int:
            return n * 2
    """)
    assert dev.code_checks(root) is None


def test_a_lint_finding_fails_with_ruffs_output_and_a_reason(dev, tmp_path, capfd):
    root = _project(tmp_path, """
        import os


        def double(n: int) -> int:
            return n * 2
    """)
    reason = dev.code_checks(root)
    assert reason is not None and reason.startswith("ruff check . failed") and "\n" not in reason
    assert "F401" in capfd.readouterr().out   # ruff's own finding is shown


def test_a_type_error_fails_with_mypys_output_and_a_reason(dev, tmp_path, capfd):
    root = _project(tmp_path, """
        def double(n):
            return n * 2


        def label(n: int) -> str:
            return n
    """)
    reason = dev.code_checks(root)
    assert reason is not None and reason.startswith("mypy failed") and "\n" not in reason
    out = capfd.readouterr().out
    assert "no-untyped-def" in out and "return-value" in out


def test_the_repository_itself_passes_both_checks(dev):
    """What `.ci/dev.py test` runs first: the lint and the types of this checkout are clean."""
    assert dev.code_checks(ROOT) is None


def test_the_set_up_leaves_every_module_byte_compiled_even_where_python_would_not(dev, monkeypatch):
    """`.ci/dev.py` compiles the checkout's modules after installing, so that a new process reads
    their bytecode even under PYTHONDONTWRITEBYTECODE (which this machine's shell sets): a start
    then does not compile ~150 modules again."""
    import importlib.util as iu
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    dev.compile_sources()
    for module in (ROOT / "isfannotate" / "__init__.py", ROOT / "isfannotate" / "store" / "changes.py",
                   ROOT / "ui" / "isfannotate_ui" / "main_window.py"):
        cached = Path(iu.cache_from_source(str(module)))
        assert cached.exists() and cached.stat().st_mtime >= module.stat().st_mtime, cached
