import warnings

import pytest
from fake_distribution import install_fake_distribution, write_dist_info

import cmcrd_plugin
from cmcrd_plugin.registry import (
    BUILTIN_PLUGINS,
    KIND_HOOKS,
    PluginLoadWarning,
    Registry,
    RegistryError,
    hookimpl,
)

BUILTIN = {
    "loader": {"paired_npz", "seed", "seed_iv", "seed_v"},
    "dataset": {"seed", "seed_iv", "seed_iv_raw", "seed_v"},
    "dataset_description": {"paired_npz", "seed", "seed_iv", "seed_v"},
    "loss": {"cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt", "none", "mcc"},
    "model": {"mlp", "dgcnn"},
    "trainer": {"cmcrd", "teacher", "eeg_only", "lightning"},
}


def test_builtin_components_are_registered_in_code():
    # no entry points needed: the built-in hook modules are registered by name
    registry = Registry(load_entry_points=False)
    assert sorted(BUILTIN) == sorted(KIND_HOOKS)
    for kind, names in BUILTIN.items():
        comps = {c.name: c for c in registry.components(kind)}
        assert comps.keys() == names
        for name in names:
            assert comps[name].distribution == "cmcrd-plugin"
            assert comps[name].builtin
            assert comps[name].source == "cmcrd-plugin (built-in)"
            assert comps[name].plugin in BUILTIN_PLUGINS
    # the component tables live in the hook modules, not in the registry
    empty = Registry(load_entry_points=False, load_builtins=False)
    assert all(empty.available(k) == [] for k in KIND_HOOKS)


def test_every_dataset_description_has_a_loader_of_its_name():
    from cmcrd_plugin.evaluation.datasets import DatasetDescription

    registry = Registry(load_entry_points=False)
    for name in registry.available("dataset_description"):
        description = registry.get("dataset_description", name)
        assert isinstance(description, DatasetDescription)
        assert description.name == name
        assert callable(registry.get("loader", name))


def test_loaders_and_datasets_are_separate_kinds():
    registry = Registry(load_entry_points=False)
    loader = registry.component("loader", "seed_v")
    dataset = registry.component("dataset", "seed_v")
    assert loader.plugin == "cmcrd_plugin.loaders"
    assert loader.target_path == "cmcrd_plugin.data.seed_v:load_seed_v"
    assert dataset.plugin == "cmcrd_plugin.datasets"
    assert dataset.target_path == "cmcrd_plugin.torcheeg_datasets.seed_v:PairedSEEDV"
    assert registry.component("dataset", "seed_iv_raw").target_path.endswith(
        ":PairedSEEDIVRaw"
    )


def test_old_entry_points_naming_builtin_modules_are_not_registered_twice(
    tmp_path, monkeypatch
):
    # an older install registered the built-ins through these entry points
    write_dist_info(
        tmp_path,
        "cmcrd-plugin-old",
        {
            "cmcrd_plugin.datasets": "cmcrd_plugin.data.plugin",
            "cmcrd_plugin.losses": "cmcrd_plugin.losses.plugin",
            "renamed_models": "cmcrd_plugin.models.plugin",
        },
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error", PluginLoadWarning)
        registry = Registry()
        assert registry.failures == []
        assert sorted(registry.manager.list_name_plugin()) == sorted(
            (name, registry.manager.get_plugin(name)) for name in BUILTIN_PLUGINS
        )
        for kind, names in BUILTIN.items():
            for name in names:  # one provider each: no "several plugins" error
                assert registry.component(kind, name).source == (
                    "cmcrd-plugin (built-in)"
                )


def test_third_party_entry_point_named_like_a_builtin_is_refused(tmp_path, monkeypatch):
    install_fake_distribution(
        tmp_path,
        "squatter",
        "squatter_losses",
        """
        from cmcrd_plugin.registry import hookimpl

        @hookimpl
        def cmcrd_losses():
            return {"cmcrd": "math:sqrt"}
        """,
        ep_name="cmcrd_plugin.losses",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(PluginLoadWarning, match="'squatter'.*named like a built-in"):
        registry = Registry()
    assert [(f.plugin, f.distribution) for f in registry.failures] == [
        ("cmcrd_plugin.losses", "squatter")
    ]
    assert registry.get("loss", "cmcrd").__name__ == "CMCRDLoss"


def test_public_lookup_api():
    from cmcrd_plugin.losses.cmcrd import CMCRDLoss
    from cmcrd_plugin.training.cmcrd_classifier import CMCRDClassifier

    assert cmcrd_plugin.get_loss("cmcrd") is CMCRDLoss
    assert cmcrd_plugin.get_trainer("cmcrd") is CMCRDClassifier
    from cmcrd_plugin.data import load_seed_v

    assert cmcrd_plugin.get_loader("seed_v") is load_seed_v
    assert "mlp" in cmcrd_plugin.available("model")
    assert cmcrd_plugin.available("loader") == [
        "paired_npz",
        "seed",
        "seed_iv",
        "seed_v",
    ]


def test_get_dataset_returns_the_torcheeg_class():
    pytest.importorskip("torcheeg")
    from cmcrd_plugin.torcheeg_datasets import PairedSEEDIVRaw, PairedSEEDV

    assert cmcrd_plugin.get_dataset("seed_v") is PairedSEEDV
    assert cmcrd_plugin.get_dataset("seed_iv_raw") is PairedSEEDIVRaw


def test_typo_lists_valid_names_and_suggests():
    with pytest.raises(
        RegistryError, match=r"valid names: cmcrd, crd.*Did you mean 'cmcrd'"
    ):
        cmcrd_plugin.get_loss("cmcrdd")
    with pytest.raises(RegistryError, match="valid kinds"):
        cmcrd_plugin.available("optimizer")


def test_third_party_plugin_becomes_selectable(tmp_path, monkeypatch):
    install_fake_distribution(
        tmp_path,
        "fake-cmcrd-losses",
        "fake_cmcrd_losses",
        """
        from cmcrd_plugin.registry import hookimpl

        class HalfL1:
            pass

        @hookimpl
        def cmcrd_losses():
            return {"half_l1": HalfL1}
        """,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    registry = cmcrd_plugin.get_registry(reload=True)
    try:
        comp = registry.component("loss", "half_l1")
        assert comp.distribution == "fake-cmcrd-losses"
        assert cmcrd_plugin.get_loss("half_l1").__name__ == "HalfL1"
        assert cmcrd_plugin.get_loss("cmcrd").__name__ == "CMCRDLoss"
    finally:
        monkeypatch.undo()
        cmcrd_plugin.get_registry(reload=True)


def test_broken_plugin_warns_with_its_name_and_others_keep_working(
    tmp_path, monkeypatch
):
    install_fake_distribution(
        tmp_path,
        "broken-cmcrd-plugin",
        "broken_cmcrd_plugin",
        "import this_module_does_not_exist\n",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.warns(
        PluginLoadWarning, match="broken_cmcrd_plugin.*broken-cmcrd-plugin"
    ):
        registry = Registry()
    assert "cmcrd" in registry.available("loss")
    assert registry.get("loss", "cmcrd").__name__ == "CMCRDLoss"
    assert [f.plugin for f in registry.failures] == ["broken_cmcrd_plugin"]
    with pytest.raises(RegistryError, match="failed to load: 'broken_cmcrd_plugin'"):
        registry.get("loss", "missing")


def test_hook_that_raises_is_isolated():
    class Bad:
        @hookimpl
        def cmcrd_losses(self):
            raise RuntimeError("boom")

    class Good:
        @hookimpl
        def cmcrd_losses(self):
            return {"ok": "math:sqrt"}

    registry = Registry(load_entry_points=False, load_builtins=False)
    registry.register(Bad(), name="bad")
    registry.register(Good(), name="good")
    with pytest.warns(PluginLoadWarning, match="'bad'.*boom"):
        assert registry.available("loss") == ["ok"]
    import math

    assert registry.get("loss", "ok") is math.sqrt


def test_duplicate_names_and_bad_targets_are_clear_errors():
    class One:
        @hookimpl
        def cmcrd_models(self):
            return {"net": "math:pi", "ghost": "no_such_module_xyz:Thing"}

    class Two:
        @hookimpl
        def cmcrd_models(self):
            return {"net": "math:e"}

    registry = Registry(load_entry_points=False, load_builtins=False)
    registry.register(One(), name="one", distribution="pkg-one")
    registry.register(Two(), name="two", distribution="pkg-two")
    with pytest.raises(RegistryError, match="several plugins: .*pkg-one.*pkg-two"):
        registry.get("model", "net")
    with pytest.raises(RegistryError, match="plugin 'one' .*no_such_module_xyz"):
        registry.get("model", "ghost")
