"""``cmcrd list``."""

import cmcrd_plugin
from cmcrd_plugin.commands import main
from cmcrd_plugin.registry import KIND_HOOKS, hookimpl


def test_cmcrd_list_shows_builtins_from_their_package(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    for name in ("seed_v", "cmcrd", "mcc", "mlp", "dgcnn", "teacher"):
        assert name in out
    assert out.count("cmcrd-plugin") >= 8
    rows = [line.split() for line in out.splitlines()[1:]]
    assert {row[0] for row in rows} == set(KIND_HOOKS)
    loader = "cmcrd_plugin.loaders cmcrd_plugin.data.seed_v:load_seed_v"
    dataset = "cmcrd_plugin.datasets cmcrd_plugin.torcheeg_datasets.seed_v:PairedSEEDV"
    assert f"loader seed_v cmcrd-plugin (built-in) {loader}".split() in rows
    assert f"dataset seed_v cmcrd-plugin (built-in) {dataset}".split() in rows


def test_cmcrd_list_shows_a_third_party_component_with_its_distribution(capsys):
    class MyLoaders:
        @hookimpl
        def cmcrd_loaders(self):
            return {"my_loader": "math:fsum"}

    cmcrd_plugin.get_registry().register(
        MyLoaders(), name="mine", distribution="my-loaders"
    )
    try:
        assert main(["list", "--kind", "loader"]) == 0
    finally:
        cmcrd_plugin.get_registry(reload=True)
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[1:]]
    assert ["loader", "my_loader", "my-loaders", "mine", "math:fsum"] in rows
    assert {row[0] for row in rows} == {"loader"}
