"""The training recipe refuses what no fit could use, in one line."""

import pytest

from cmcrd_plugin.evaluation.recipe import TrainingRecipe, device_problem


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"epochs": 0}, "epochs must be an integer of at least 1, got 0"),
        ({"epochs": 2.5}, "epochs must be an integer"),
        ({"warmup_epochs": -1}, "warmup_epochs must be an integer of at least 0"),
        ({"batch_size": 0}, "batch_size must be an integer of at least 1"),
        ({"batch_size": True}, "batch_size must be an integer"),
        ({"lr": 0}, "lr must be above 0"),
        ({"lr": float("nan")}, "lr must be a number >= 0"),
        ({"weight_decay": -1e-3}, "weight_decay must be a number >= 0"),
    ],
)
def test_a_recipe_no_fit_could_use_is_refused(settings, message):
    with pytest.raises(ValueError, match=message):
        TrainingRecipe(**settings)


def test_the_defaults_and_a_zero_weight_decay_are_a_recipe():
    assert TrainingRecipe(weight_decay=0).weight_decay == 0
    assert TrainingRecipe().epochs == 20


def test_devices_are_checked_against_this_machine():
    assert device_problem("cpu") is None
    assert "nonsense" in device_problem("nonsense")
    assert "not available here" in device_problem("cuda:64")
