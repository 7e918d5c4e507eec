import itertools
import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from cmcrd_plugin.harness.statistics import (
    GAIN_COLUMNS,
    combine_stouffer,
    method_gains,
    paired_comparison,
    stouffer_across_datasets,
    subject_scores,
)

# 4 subjects whose differences are exact in binary floating point
DIFFERENCES = np.array([0.25, 0.5, -0.125, 0.75])
REFERENCE = np.array([0.5, 0.25, 0.5, 0.125])
T_975_DF3 = 3.182446305284263  # Student's t, 97.5 % quantile, 3 degrees of freedom


def _row(subject, method, accuracy, *, fold="1", seed=0, status="ok", teacher=0.9):
    return {
        "dataset": "seed_v",
        "scenario": "default",
        "synthetic": True,
        "protocol": "within_subject",
        "subject": subject,
        "fold": fold,
        "seed": seed,
        "arch": "mlp",
        "method": method,
        "selection": "validation",
        "accuracy": accuracy,
        "balanced_accuracy": accuracy,
        "macro_f1": accuracy,
        "teacher_train_accuracy": np.nan if method == "eeg_only" else teacher,
        "teacher_valid_accuracy": np.nan if method == "eeg_only" else teacher - 0.1,
        "test_modality": "eeg",
        "status": status,
    }


def _scores(method_scores: dict[str, list[float]], **keys) -> pd.DataFrame:
    """Per-subject scores as subject_scores returns them, subjects 1..n."""
    rows = []
    for method, values in method_scores.items():
        for subject, value in enumerate(values, start=1):
            rows.append(_row(subject, method, value) | keys)
    return subject_scores(pd.DataFrame(rows))


def test_subject_scores_average_folds_and_seeds_and_leave_out_failed_cells():
    rows = [
        _row(1, "cmcrd", accuracy, fold=fold, seed=seed, teacher=teacher)
        for (fold, seed), accuracy, teacher in zip(
            itertools.product(["1", "2"], [0, 1]),
            [0.5, 0.6, 0.7, 0.8],
            [0.8, 0.9, 0.8, 0.9],
            strict=True,
        )
    ]
    rows.append(_row(1, "cmcrd", 0.0, fold="3", status="failed"))
    rows.append(_row(2, "cmcrd", 0.4))
    scores = subject_scores(pd.DataFrame(rows)).set_index("subject")
    assert scores.loc[1, "accuracy"] == pytest.approx(0.65)
    assert scores.loc[1, "teacher_train_accuracy"] == pytest.approx(0.85)
    assert scores.loc[1, "teacher_valid_accuracy"] == pytest.approx(0.75)
    assert scores.loc[1, "n_cells"] == 4
    assert scores.loc[2, "accuracy"] == pytest.approx(0.4)
    assert scores.loc[2, "n_cells"] == 1


def test_subject_scores_keep_selections_and_methods_apart():
    rows = [_row(1, "cmcrd", 0.5), _row(1, "eeg_only", 0.3)]
    rows.append(_row(1, "cmcrd", 0.9) | {"selection": "last_epoch"})
    scores = subject_scores(pd.DataFrame(rows))
    by = scores.set_index(["method", "selection"])["accuracy"]
    assert by.to_dict() == {
        ("cmcrd", "validation"): 0.5,
        ("eeg_only", "validation"): 0.3,
        ("cmcrd", "last_epoch"): 0.9,
    }


def test_subject_scores_name_missing_columns():
    frame = pd.DataFrame([_row(1, "cmcrd", 0.5)]).drop(columns=["fold", "macro_f1"])
    with pytest.raises(ValueError, match="macro_f1"):
        subject_scores(frame)


def test_permutation_p_value_enumerates_the_16_sign_flips():
    observed = DIFFERENCES.mean()
    flipped = [
        np.mean(np.array(signs) * DIFFERENCES)
        for signs in itertools.product([-1, 1], repeat=4)
    ]
    expected_two_sided = np.mean([abs(m) >= abs(observed) for m in flipped])
    expected_greater = np.mean([m >= observed for m in flipped])
    # by hand: only the all-positive flip and its mirror reach |1.375| / 4, and
    # flipping -0.125 gives 1.625 / 4: 4 of 16 two-sided, 2 of 16 one-sided
    assert (expected_two_sided, expected_greater) == (0.25, 0.125)

    a = REFERENCE + DIFFERENCES
    two_sided = paired_comparison(a, REFERENCE)
    greater = paired_comparison(a, REFERENCE, alternative="greater")
    assert two_sided.test == "permutation" and two_sided.n == 4
    assert two_sided.p_value == pytest.approx(expected_two_sided)
    assert greater.p_value == pytest.approx(expected_greater)
    assert paired_comparison(REFERENCE, a).mean_difference == -observed


def test_ci_and_effect_size_match_the_formulas():
    comparison = paired_comparison(REFERENCE + DIFFERENCES, REFERENCE)
    mean = 1.375 / 4
    sd = math.sqrt(sum((d - mean) ** 2 for d in DIFFERENCES) / 3)
    half_width = T_975_DF3 * sd / math.sqrt(4)
    assert comparison.mean_difference == pytest.approx(mean)
    assert comparison.ci_low == pytest.approx(mean - half_width)
    assert comparison.ci_high == pytest.approx(mean + half_width)
    assert comparison.effect_size == pytest.approx(mean / sd)


def test_wilcoxon_from_20_subjects_and_permutation_below():
    rng = np.random.default_rng(0)
    b = rng.uniform(0.3, 0.7, 20)
    a = b + rng.normal(0.03, 0.05, 20)
    comparison = paired_comparison(a, b)
    assert comparison.test == "wilcoxon"
    assert comparison.p_value == stats.wilcoxon(a, b).pvalue
    greater = paired_comparison(a, b, alternative="greater")
    assert greater.p_value == stats.wilcoxon(a, b, alternative="greater").pvalue
    assert paired_comparison(a[:19], b[:19]).test == "permutation"


def test_randomised_permutation_is_seeded_and_close_to_the_exact_test():
    rng = np.random.default_rng(1)
    b = rng.uniform(0.3, 0.7, 15)
    a = b + rng.normal(0.02, 0.05, 15)
    first = paired_comparison(a, b, n_resamples=2000, random_state=3)
    again = paired_comparison(a, b, n_resamples=2000, random_state=3)
    exact = paired_comparison(a, b, n_resamples=2**15)
    assert first.p_value == again.p_value
    assert first.p_value == pytest.approx(exact.p_value, abs=0.03)


def test_equal_differences_give_a_point_interval_and_no_effect_size():
    constant = paired_comparison(REFERENCE + 0.125, REFERENCE)
    assert constant.ci_low == constant.ci_high == 0.125
    assert math.isnan(constant.effect_size)
    for n in (4, 20):
        same = paired_comparison(np.full(n, 0.5), np.full(n, 0.5))
        assert same.p_value == 1.0 and same.mean_difference == 0.0


def test_one_subject_has_no_interval():
    single = paired_comparison([0.75], [0.5])
    assert single.n == 1 and single.mean_difference == 0.25
    assert math.isnan(single.ci_low) and math.isnan(single.effect_size)
    assert single.test == "none" and math.isnan(single.p_value)


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ([0.5, 0.6], [0.5], "shapes"),
        ([], [], "non-empty"),
        ([0.5, np.nan], [0.5, 0.4], "finite"),
    ],
)
def test_paired_comparison_rejects_bad_scores(a, b, match):
    with pytest.raises(ValueError, match=match):
        paired_comparison(a, b)


def test_stouffer_is_the_sum_of_z_over_root_k():
    p = np.array([0.01, 0.2, 0.5])
    z = stats.norm.isf(p)
    assert combine_stouffer(p) == pytest.approx(stats.norm.sf(z.sum() / math.sqrt(3)))
    weights = np.sqrt([4, 9, 16])
    weighted = (weights * z).sum() / math.sqrt((weights**2).sum())
    assert combine_stouffer(p, weights) == pytest.approx(stats.norm.sf(weighted))
    assert combine_stouffer([0.03]) == pytest.approx(0.03)


def test_stouffer_keeps_p_of_0_and_1_finite():
    combined = combine_stouffer([0.0, 1.0])
    assert 0 < combined < 1


@pytest.mark.parametrize(
    ("p", "weights", "match"),
    [
        ([1.5], None, r"\[0, 1\]"),
        ([np.nan], None, r"\[0, 1\]"),
        ([0.1, 0.2], [1.0], "weights"),
    ],
)
def test_stouffer_rejects_bad_input(p, weights, match):
    with pytest.raises(ValueError, match=match):
        combine_stouffer(p, weights)


def test_method_gains_pair_every_method_with_eeg_only():
    reference = list(REFERENCE)
    cmcrd = list(REFERENCE + DIFFERENCES)
    kd = [0.5, 0.5, 0.5]  # subject 4 missing: paired over 3
    scores = _scores({"eeg_only": reference, "cmcrd": cmcrd, "kd": kd})
    gains = method_gains(scores)
    assert list(gains.columns) == list(GAIN_COLUMNS)
    assert list(gains["method"]) == ["cmcrd", "kd"]
    cmcrd_row = gains.iloc[0]
    expected = paired_comparison(cmcrd, reference)
    for field, value in expected._asdict().items():
        assert cmcrd_row[field] == (pytest.approx(value) if field != "test" else value)
    assert cmcrd_row["p_greater"] == pytest.approx(0.125)
    assert cmcrd_row["teacher_train_accuracy"] == pytest.approx(0.9)
    assert cmcrd_row["reference"] == "eeg_only" and cmcrd_row["metric"] == "accuracy"
    kd_row = gains.iloc[1]
    assert kd_row["n"] == 3
    assert kd_row["mean_difference"] == pytest.approx(np.mean([0.0, 0.25, 0.0]))


def test_method_gains_skip_groups_without_eeg_only():
    scores = _scores({"cmcrd": [0.5, 0.6, 0.7]})
    assert method_gains(scores).empty
    with pytest.raises(ValueError, match="metric"):
        method_gains(scores, metric="kappa")


def test_stouffer_across_datasets_weights_by_root_subject_count():
    seed = _scores(
        {"eeg_only": [0.5, 0.5, 0.6], "cmcrd": [0.6, 0.55, 0.62]}, dataset="seed"
    )
    seed_v = _scores(
        {"eeg_only": list(REFERENCE), "cmcrd": list(REFERENCE + DIFFERENCES)},
        dataset="seed_v",
    )
    one_subject = _scores({"eeg_only": [0.5], "cmcrd": [0.9]}, dataset="seed_iv")
    gains = method_gains(pd.concat([seed, seed_v, one_subject]))
    assert gains["dataset"].tolist() == ["seed", "seed_v", "seed_iv"]
    combined = stouffer_across_datasets(gains)
    gains = gains.iloc[:2]  # the one-subject dataset has no test: left out
    assert len(combined) == 1
    row = combined.iloc[0]
    weights = np.sqrt([3, 4])
    assert row["datasets"] == "seed, seed_v"
    assert (row["n_datasets"], row["n_subjects"]) == (2, 7)
    assert row["p_value"] == pytest.approx(
        combine_stouffer(gains["p_greater"], weights)
    )
    assert row["effect_size"] == pytest.approx(
        (weights * gains["effect_size"]).sum() / weights.sum()
    )
    assert stouffer_across_datasets(gains, method="kd").empty
