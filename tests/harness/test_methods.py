"""Benchmark methods are a table of named pipelines: built-ins, profile
variants, and every registered distiller by name, a third party's included."""

import textwrap

import pandas as pd
import pytest

import cmcrd_plugin
from cmcrd_plugin.commands import main
from cmcrd_plugin.harness.cells import Cell, config_hash
from cmcrd_plugin.harness.config import BenchmarkConfigError, load_config
from cmcrd_plugin.harness.methods import (
    METHODS,
    MethodError,
    registered_distillers,
    resolve_method,
)

MY_KD = """
from cmcrd_plugin.losses.kd import KDLoss
from cmcrd_plugin.registry import hookimpl


class MyKD(KDLoss):
    '''Hinton KD under another name: a third party's distiller.'''


@hookimpl
def cmcrd_losses():
    return {"my_kd": MyKD}
"""


@pytest.fixture
def my_kd_plugin(tmp_path, monkeypatch):
    """A throw-away distribution on sys.path registering the distiller my_kd."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "my_kd_plugin.py").write_text(textwrap.dedent(MY_KD))
    info = site / "my_kd_plugin-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: my-kd-plugin\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text("[cmcrd_plugin]\nmy_kd = my_kd_plugin\n")
    monkeypatch.syspath_prepend(str(site))
    cmcrd_plugin.get_registry(reload=True)
    yield
    monkeypatch.undo()
    cmcrd_plugin.get_registry(reload=True)


def test_builtins_distillers_and_variants_resolve_without_string_parsing():
    assert resolve_method("eeg_only").pipeline == "eeg_only"
    assert resolve_method("eye_teacher").arch_free
    assert resolve_method("torcheeg_trainer").torcheeg_only
    auto = resolve_method("cmcrd-beta_auto")
    assert (auto.pipeline, auto.params["beta"]) == ("student", "auto")
    for name in ("cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt"):
        method = resolve_method(name)
        assert method.pipeline == "student" and method.params["distiller"] == name
    assert "mcc" not in registered_distillers()  # a loss, not a distiller
    sweep = (("cmcrd-beta_0.1", (("beta", 0.1), ("distiller", "cmcrd"))),)
    variant = resolve_method("cmcrd-beta_0.1", sweep)
    assert dict(variant.params) == {"distiller": "cmcrd", "beta": 0.1}
    with pytest.raises(MethodError, match="unknown \\['cmcrd-beta_0.3'\\]"):
        resolve_method("cmcrd-beta_0.3", sweep)  # no parsing of the name
    with pytest.raises(MethodError, match="needs a distiller"):
        resolve_method("x", (("x", (("beta", 1.0),)),))
    assert set(METHODS) >= {"eeg_only", "fusion", "cmcrd_trainer", "cmcrd-no_signs"}


def test_profile_variants_load_and_enter_the_config_hash(tmp_path):
    profile = tmp_path / "sweep.toml"
    profile.write_text(
        'methods = ["eeg_only", "cmcrd-beta_0.1"]\n'
        '[variants."cmcrd-beta_0.1"]\ndistiller = "cmcrd"\nbeta = 0.1\n'
    )
    config = load_config(profile, output=tmp_path / "out")
    assert config.variant_params("cmcrd-beta_0.1") == {
        "distiller": "cmcrd",
        "beta": 0.1,
    }
    cell = Cell("seed_v", "default", "within_subject", 1, "fold1", 1, "mlp", "")
    sweep = config_hash(config, Cell(**{**cell.__dict__, "method": "cmcrd-beta_0.1"}))
    profile.write_text(profile.read_text().replace("0.1\n", "0.2\n", 1))
    other = load_config(profile, output=tmp_path / "out")
    assert other.variant_params("cmcrd-beta_0.1")["beta"] == 0.2
    changed = Cell(**{**cell.__dict__, "method": "cmcrd-beta_0.1"})
    assert config_hash(other, changed) != sweep  # new parameters: run again
    plain = Cell(**{**cell.__dict__, "method": "eeg_only"})
    assert config_hash(other, plain) == config_hash(config, plain)
    profile.write_text('methods = ["bad"]\n[variants.bad]\nbeta = 0.1\n')
    with pytest.raises(BenchmarkConfigError, match="needs a distiller"):
        load_config(profile, output=tmp_path / "out")


def test_cmcrd_bench_runs_a_third_party_distiller_by_its_registry_name(
    my_kd_plugin, tmp_path, capsys
):
    assert resolve_method("my_kd").params["distiller"] == "my_kd"
    profile = tmp_path / "tiny.toml"
    profile.write_text(
        'dataset = "seed_v"\nscenarios = ["default"]\narchs = ["mlp"]\n'
        "subjects = [1]\nepochs = 1\nwarmup_epochs = 0\nwindow_fraction = 0.25\n"
        "jobs = 1\n"
    )
    out = tmp_path / "bench"
    argv = ["bench", "--profile", str(profile), "--methods", "my_kd"]
    main([*argv, "--output", str(out), "--no-progress"])
    results = pd.read_csv(out / "results.csv")
    assert set(results["method"]) == {"my_kd"}
    assert (results["status"] == "ok").all(), results["error"].tolist()
    assert "3 cells, 0 failed" in capsys.readouterr().out


def test_a_variant_with_a_list_keeps_the_config_hashable(tmp_path):
    # cells cache the fold's teacher on the config: it must hash
    profile = tmp_path / "auto.toml"
    profile.write_text(
        'methods = ["wide-auto"]\n[variants.wide-auto]\ndistiller = "cmcrd"\n'
        'beta = "auto"\nbeta_grid = [0, 0.1, 1]\n'
    )
    config = load_config(profile, output=tmp_path / "out")
    hash(config)
    method = resolve_method("wide-auto", config.variants)
    assert method.params["beta_grid"] == (0, 0.1, 1)


def test_a_variant_cannot_set_what_the_run_sets(tmp_path):
    profile = tmp_path / "fast.toml"
    profile.write_text(
        'methods = ["fast"]\n[variants.fast]\ndistiller = "kd"\nlr = 0.1\n'
    )
    with pytest.raises(BenchmarkConfigError, match="'fast' sets lr, which the run"):
        load_config(profile, output=tmp_path / "out")
