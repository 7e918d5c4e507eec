"""Every Python block of the README runs as written.

The blocks are executed in order, in one namespace (the README reads top to
bottom, and later blocks use what earlier ones defined), in a temporary
working folder, on the synthetic data the blocks themselves write.
"""

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)


def python_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def test_the_readme_has_python_blocks():
    assert len(python_blocks()) >= 6


def test_every_python_block_runs_as_written(tmp_path, monkeypatch):
    pytest.importorskip("torcheeg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMCRD_CACHE", str(tmp_path / "cache"))
    namespace: dict = {"__name__": "readme"}
    for number, code in enumerate(python_blocks(), start=1):
        try:
            exec(compile(code, f"README.md python block {number}", "exec"), namespace)
        except Exception as exc:
            raise AssertionError(
                f"README python block {number} failed:\n{code}"
            ) from exc
