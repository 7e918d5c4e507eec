"""Every Python block of the README and of the guide's code pages runs as written.

The blocks of one document are executed in order, in one namespace (each
page reads top to bottom, and later blocks use what earlier ones defined),
in a temporary working folder, on the synthetic data the blocks themselves
write. The TOML example of the command-line page is read by the ``cmcrd``
commands it documents.
"""

import re
from pathlib import Path

import pytest

from cmcrd_plugin.commands import main, own_data

ROOT = Path(__file__).resolve().parents[1]
# the documents whose Python blocks form a runnable script, with the fewest
# blocks each must hold (so that a broken block pattern cannot pass)
RUNNABLE = {
    "README.md": 6,
    "docs/guide/braindecode.md": 3,
    "docs/guide/resume.md": 3,
    "docs/guide/torcheeg.md": 2,
}
# pages that continue other pages' examples run after those pages' blocks
CONTINUES = {
    "docs/guide/resume.md": ["docs/guide/braindecode.md", "docs/guide/torcheeg.md"]
}


def blocks(document: str, language: str) -> list[str]:
    pattern = re.compile(rf"^```{language}\n(.*?)^```", re.DOTALL | re.MULTILINE)
    return pattern.findall((ROOT / document).read_text(encoding="utf-8"))


@pytest.mark.parametrize("document", sorted(RUNNABLE))
def test_the_document_has_python_blocks(document):
    assert len(blocks(document, "python")) >= RUNNABLE[document]


@pytest.mark.parametrize("document", sorted(RUNNABLE))
def test_every_python_block_runs_as_written(document, tmp_path, monkeypatch):
    pytest.importorskip("torcheeg")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CMCRD_CACHE", str(tmp_path / "cache"))
    namespace: dict = {"__name__": "docs"}
    for page in [*CONTINUES.get(document, []), document]:
        for number, code in enumerate(blocks(page, "python"), start=1):
            try:
                exec(compile(code, f"{page} python block {number}", "exec"), namespace)
            except Exception as exc:
                raise AssertionError(
                    f"{page} python block {number} failed:\n{code}"
                ) from exc


def test_the_command_line_pages_config_is_read_by_cmcrd(tmp_path, monkeypatch):
    (config,) = blocks("docs/guide/command-line.md", "toml")
    path = tmp_path / "run.toml"
    path.write_text(config, encoding="utf-8")
    seen = {}

    def train_students(data, out, teacher, **kwargs):
        seen["train"] = dict(data=data, **kwargs)
        return {"summary": {}, "data": {"synthetic": False}}

    def train_teacher(data, out, recipe, seed, overwrite=False):
        seen["teacher"] = dict(data=data, recipe=recipe, seed=seed)

    monkeypatch.setattr(own_data, "train_students", train_students)
    monkeypatch.setattr(own_data, "train_teacher", train_teacher)
    argv = ["--config", str(path), "--out", str(tmp_path / "out")]
    assert main(["train", *argv, "--teacher", "teacher.pt"]) == 0
    train = seen["train"]
    assert train["backbone"] == "dgcnn" and train["beta"] == "auto"
    assert train["data"].subjects == (1, 2, 3)
    assert train["data"].root == tmp_path / "SEED-V"
    assert main(["teacher", *argv]) == 0
    assert seen["teacher"]["recipe"].epochs == 100
