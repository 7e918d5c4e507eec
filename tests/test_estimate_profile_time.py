"""benchmarks/estimate_profile_time.py extrapolates a profile from timed fits."""

import importlib.util
import re
from pathlib import Path

SCRIPT = Path(__file__).parents[1] / "benchmarks" / "estimate_profile_time.py"


def load_script():
    spec = importlib.util.spec_from_file_location("estimate_profile_time", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_fit_is_its_fixed_part_plus_its_epochs():
    script = load_script()
    # 3 s fixed and 0.5 s per epoch, timed at SHORT and LONG epochs
    short, long = (3 + 0.5 * e for e in (script.SHORT, script.LONG))
    assert abs(script.per_fit(short, long, 40) - 23.0) < 1e-9
    assert script.kind("kd") == script.kind("cmcrd-no_signs") == "cmcrd"
    assert script.kind("cmcrd-beta_auto") == "cmcrd-beta_auto"


def test_a_small_profile_is_estimated_from_its_own_cells(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CMCRD_CACHE", str(tmp_path / "cache"))
    profile = tmp_path / "small.toml"
    profile.write_text(
        'dataset = "seed_v"\nprotocols = ["within_subject"]\n'
        'scenarios = ["default"]\narchs = ["mlp"]\n'
        'methods = ["eeg_only", "kd", "cmcrd-beta_auto"]\nseeds = [2022]\n'
        "subjects = [1]\nepochs = 10\nwindow_fraction = 0.1\njobs = 2\n"
    )
    load_script().main(["--profile", str(profile), "--output", str(tmp_path / "out")])
    out = capsys.readouterr().out
    # 1 subject x 3 folds x 3 methods
    assert re.search(r"profile '.*small.toml': 9 cells, about [0-9.]+ core-hours", out)
    assert "at 10 epochs" in out and "jobs=2" in out
    assert "SYNTHETIC data" in out
    for kind in ("eeg_only", "cmcrd-beta_auto", "cmcrd", "teacher (once per fold)"):
        assert kind in out
