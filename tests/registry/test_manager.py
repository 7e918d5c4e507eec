import textwrap

import pytest

import cmcrd_plugin
from cmcrd_plugin.registry import (
    KIND_HOOKS,
    PluginLoadWarning,
    Registry,
    RegistryError,
    hookimpl,
)

BUILTIN = {
    "dataset": {"seed_v"},
    "loss": {"cmcrd", "crd", "kd", "fitnet", "nst", "sp", "rkd", "pkt", "none", "mcc"},
    "model": {"mlp", "dgcnn"},
    "trainer": {"cmcrd", "teacher", "eeg_only"},
}


def install_fake_distribution(
    root, dist_name, module_name, module_source, ep_name=None
):
    """A throw-away third-party distribution: a module + dist-info with entry points."""
    (root / f"{module_name}.py").write_text(textwrap.dedent(module_source))
    info = root / f"{dist_name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: 0.1\n"
    )
    (info / "entry_points.txt").write_text(
        f"[cmcrd_plugin]\n{ep_name or module_name} = {module_name}\n"
    )


def test_builtin_components_come_from_entry_points():
    registry = Registry()
    for kind, names in BUILTIN.items():
        comps = {c.name: c for c in registry.components(kind)}
        assert names <= comps.keys()
        for name in names:
            assert comps[name].distribution == "cmcrd-plugin"
            assert comps[name].plugin.startswith("cmcrd_plugin.")
    # an empty registry (no entry points) has none: nothing is hard-coded
    assert all(Registry(load_entry_points=False).available(k) == [] for k in KIND_HOOKS)


def test_public_lookup_api():
    from cmcrd_plugin.losses.cmcrd import CMCRDLoss
    from cmcrd_plugin.training.cmcrd_classifier import CMCRDClassifier

    assert cmcrd_plugin.get_loss("cmcrd") is CMCRDLoss
    assert cmcrd_plugin.get_trainer("cmcrd") is CMCRDClassifier
    assert callable(cmcrd_plugin.get_dataset("seed_v"))
    assert "mlp" in cmcrd_plugin.available("model")


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

    registry = Registry(load_entry_points=False)
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

    registry = Registry(load_entry_points=False)
    registry.register(One(), name="one", distribution="pkg-one")
    registry.register(Two(), name="two", distribution="pkg-two")
    with pytest.raises(RegistryError, match="several plugins: .*pkg-one.*pkg-two"):
        registry.get("model", "net")
    with pytest.raises(RegistryError, match="plugin 'one' .*no_such_module_xyz"):
        registry.get("model", "ghost")
