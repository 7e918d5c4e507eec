import pytest

from cmcrd_plugin.experiments.demo import PIPELINES, SYNTHETIC_NOTICE, DemoConfig, main


# tiny folds have fewer other-class windows than the default K = 1000
@pytest.mark.filterwarnings("ignore:n_negatives=1000 exceeds:UserWarning")
def test_tiny_demo_runs_the_protocol_and_says_data_are_synthetic(tmp_path, capsys):
    cfg = DemoConfig(
        subjects=(1,),
        max_epochs=2,
        warmup_epochs=1,
        window_fraction=0.15,
        cache_dir=tmp_path,
        progress=False,
    )
    report = main(cfg)
    assert SYNTHETIC_NOTICE in report and SYNTHETIC_NOTICE in capsys.readouterr().out
    for name in PIPELINES:
        assert name in report
    assert "+-" in report and "CMCRD student - EEG-only" in report
    assert list(tmp_path.glob("synthetic_seed_v-*/EEG_DE_features/1_123.npz"))
