"""Statistics of the benchmark: per-subject scores, paired tests, Stouffer.

The analysis follows MOABB's meta-analysis (``moabb/analysis/meta_analysis.py``):

* Every subject weighs the same. A subject's cells (its folds and seeds) are
  averaged first (:func:`subject_scores`), then methods are compared paired
  by subject.
* Two methods are compared by :func:`paired_comparison`: below 20 subjects a
  sign-flip permutation test of the mean paired difference
  (:func:`scipy.stats.permutation_test`, exact when it can enumerate all
  ``2**n`` sign flips within ``n_resamples``), from 20 subjects on the
  Wilcoxon signed-rank test (:func:`scipy.stats.wilcoxon`). The effect size
  is Cohen's d_z, the mean paired difference over its standard deviation
  (MOABB's "standardised mean difference").
* The 95 % confidence interval of the mean paired difference is Student's t
  interval on the paired differences (:func:`scipy.stats.t.interval`). It is
  deterministic and defined from two subjects on; a bootstrap has too few
  distinct resamples at 3 or 4 subjects to be trusted. Being parametric, it
  can exclude 0 where the permutation test, whose smallest two-sided p-value
  at ``n`` subjects is ``2 / 2**n``, cannot reject.
* Datasets are combined with Stouffer's method, weighted by the square root
  of each dataset's subject count (:func:`stouffer_across_datasets`). As in
  MOABB, what is combined are the *one-sided* p-values of "the method scores
  higher than the reference": a two-sided p-value has no direction, so
  combining those would count a loss on one dataset as evidence of a gain.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

from ..evaluation.metrics import METRICS

REFERENCE_METHOD = "eeg_only"
WILCOXON_MIN_SUBJECTS = 20
TEACHER_COLUMNS = ("teacher_train_accuracy", "teacher_valid_accuracy")
SCORE_COLUMNS = METRICS + TEACHER_COLUMNS
# What one per-subject score belongs to; test_modality follows from the method.
SUBJECT_KEYS = (
    "dataset",
    "scenario",
    "synthetic",
    "protocol",
    "arch",
    "method",
    "selection",
    "test_modality",
    "subject",
)
# Methods are compared within one of these groups, paired by subject.
COMPARISON_KEYS = ("dataset", "scenario", "synthetic", "protocol", "arch", "selection")
GAIN_COLUMNS = (
    COMPARISON_KEYS
    + (
        "method",
        "reference",
        "metric",
        "n",
        "mean_difference",
        "ci_low",
        "ci_high",
        "p_value",
        "test",
        "effect_size",
        "p_greater",
    )
    + TEACHER_COLUMNS
)

# Stouffer's method maps p = 0 or 1 to an infinite z-score; these are the
# closest floats inside (0, 1), so no valid p-value moves (as MOABB does).
_P_FLOOR = np.nextafter(0.0, 1.0)
_P_CEIL = np.nextafter(1.0, 0.0)


class PairedComparison(NamedTuple):
    """The comparison of two methods' scores paired by subject.

    Attributes
    ----------
    n : int
        Number of paired subjects.
    mean_difference : float
        Mean over subjects of ``a - b``.
    ci_low, ci_high : float
        Student's t 95 % confidence interval of the mean difference (NaN
        below two subjects; zero width when all differences are equal).
    p_value : float
        p-value of ``test`` for the requested alternative (NaN for one subject).
    test : str
        ``"permutation"`` (2 to 19 subjects), ``"wilcoxon"`` (20 or more) or
        ``"none"`` (one subject).
    effect_size : float
        Cohen's d_z: mean difference over the standard deviation (ddof=1) of
        the differences; NaN when that deviation is 0 or below two subjects.
    """

    n: int
    mean_difference: float
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    effect_size: float


def subject_scores(results: pd.DataFrame) -> pd.DataFrame:
    """Average each subject's successful cells over its folds and seeds.

    Parameters
    ----------
    results : pandas.DataFrame
        Rows of ``results.csv``. Rows whose ``status`` is not ``"ok"`` are
        left out.

    Returns
    -------
    pandas.DataFrame
        One row per :data:`SUBJECT_KEYS` combination, with the mean of each
        of :data:`SCORE_COLUMNS` and ``n_cells``, the number of rows averaged.

    Raises
    ------
    ValueError
        If a column this needs is missing from ``results``.
    """
    needed = SUBJECT_KEYS + SCORE_COLUMNS + ("status",)
    missing = [column for column in needed if column not in results.columns]
    if missing:
        raise ValueError(f"results lack the results.csv column(s) {missing}")
    ok = results[results["status"] == "ok"]
    grouped = ok.groupby(list(SUBJECT_KEYS), sort=False, dropna=False)
    scores = grouped[list(SCORE_COLUMNS)].mean()
    scores["n_cells"] = grouped.size()
    return scores.reset_index()


def _mean_difference(x: np.ndarray, y: np.ndarray, axis: int) -> np.ndarray:
    return np.mean(x - y, axis=axis)


def paired_comparison(
    a: ArrayLike,
    b: ArrayLike,
    *,
    alternative: str = "two-sided",
    n_resamples: int = 9999,
    random_state: int | None = 0,
) -> PairedComparison:
    """Compare two methods' per-subject scores, paired by position.

    Parameters
    ----------
    a, b : array-like of shape (n_subjects,)
        Scores of the two methods; ``a[i]`` and ``b[i]`` are one subject's.
    alternative : {"two-sided", "greater", "less"}
        Alternative hypothesis about the mean of ``a - b``.
    n_resamples : int
        Sign flips drawn by the permutation test; it enumerates all
        ``2**n`` instead when that is not more (up to 13 subjects by default).
    random_state : int or None
        Seed of the randomised permutation test.

    Returns
    -------
    PairedComparison
        Mean difference ``a - b``, its 95 % CI, p-value, test and d_z.

    Raises
    ------
    ValueError
        If ``a`` and ``b`` are not finite 1-D arrays of one non-zero length.
    """
    a = np.asarray(a, dtype=float)
    b = np.asarray(b, dtype=float)
    if a.ndim != 1 or a.shape != b.shape or a.size == 0:
        raise ValueError(
            f"paired scores must be two non-empty 1-D arrays of one length, "
            f"got shapes {a.shape} and {b.shape}"
        )
    if not (np.isfinite(a).all() and np.isfinite(b).all()):
        raise ValueError("paired scores must be finite (no NaN or inf)")
    difference = a - b
    n = difference.size
    mean = float(difference.mean())
    sd = float(difference.std(ddof=1)) if n > 1 else float("nan")
    if sd > 0:
        ci_low, ci_high = stats.t.interval(
            0.95, df=n - 1, loc=mean, scale=sd / np.sqrt(n)
        )
        effect_size = mean / sd
    elif n > 1:  # all differences equal: no spread, the t interval is a point
        ci_low = ci_high = mean
        effect_size = float("nan")
    else:
        ci_low = ci_high = effect_size = float("nan")

    if n == 1:  # one subject: nothing to test
        test, p_value = "none", float("nan")
    elif n < WILCOXON_MIN_SUBJECTS:
        test = "permutation"
        p_value = stats.permutation_test(
            (a, b),
            _mean_difference,
            permutation_type="samples",
            vectorized=True,
            n_resamples=n_resamples,
            alternative=alternative,
            random_state=random_state,
        ).pvalue
    else:
        test = "wilcoxon"
        if np.any(difference):
            p_value = stats.wilcoxon(a, b, alternative=alternative).pvalue
        else:  # scipy returns NaN when every difference is 0; no evidence at all
            p_value = 1.0
    return PairedComparison(
        n=n,
        mean_difference=mean,
        ci_low=float(ci_low),
        ci_high=float(ci_high),
        p_value=float(p_value),
        test=test,
        effect_size=float(effect_size),
    )


def combine_stouffer(p_values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Combine independent one-sided p-values with (weighted) Stouffer's method.

    ``z_i = Phi^-1(1 - p_i)`` and the combined ``Z = sum(w_i z_i) /
    sqrt(sum(w_i**2))`` (``sum(z_i) / sqrt(k)`` unweighted), computed by
    :func:`scipy.stats.combine_pvalues`. p-values of exactly 0 or 1 are moved
    to the nearest float inside (0, 1) so that ``z`` stays finite.

    Parameters
    ----------
    p_values : array-like of shape (k,)
        One-sided p-values, one per independent test (dataset).
    weights : array-like of shape (k,), optional
        Positive weights; MOABB uses the square root of each subject count.

    Returns
    -------
    float
        The combined one-sided p-value.

    Raises
    ------
    ValueError
        If a p-value is outside [0, 1] or NaN, or the weights do not match.
    """
    p = np.asarray(p_values, dtype=float)
    if p.ndim != 1 or p.size == 0:
        raise ValueError(f"p_values must be a non-empty 1-D array, got {p.shape}")
    if not np.all((p >= 0) & (p <= 1)):
        raise ValueError(f"p_values must lie in [0, 1], got {p.tolist()}")
    if weights is not None:
        weights = np.asarray(weights, dtype=float)
        if weights.shape != p.shape or not np.all(weights > 0):
            raise ValueError(
                f"weights must be {p.size} positive numbers, got {weights.tolist()}"
            )
    p = np.clip(p, _P_FLOOR, _P_CEIL)
    return float(stats.combine_pvalues(p, method="stouffer", weights=weights).pvalue)


def method_gains(
    scores: pd.DataFrame,
    *,
    reference: str = REFERENCE_METHOD,
    metric: str = "accuracy",
    n_resamples: int = 9999,
    random_state: int | None = 0,
) -> pd.DataFrame:
    """Every method against the reference, paired by subject, per group.

    Parameters
    ----------
    scores : pandas.DataFrame
        Per-subject scores from :func:`subject_scores`.
    reference : str
        The method every other one is compared with.
    metric : str
        The score column compared (one of ``METRICS``).
    n_resamples, random_state
        Passed to :func:`paired_comparison`.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`GAIN_COLUMNS`: one row per :data:`COMPARISON_KEYS`
        group and method with subjects scored by both it and the reference.
        ``p_value`` is two-sided; ``p_greater`` is one-sided (the method
        scores higher), for :func:`stouffer_across_datasets`. The teacher
        accuracies are the method's, averaged over the paired subjects.
    """
    if metric not in METRICS:
        raise ValueError(f"metric must be one of {METRICS}, got {metric!r}")
    rows = []
    for key, group in scores.groupby(list(COMPARISON_KEYS), sort=False):
        table = group.pivot(index="subject", columns="method", values=metric)
        if reference not in table.columns:
            continue
        for method in group["method"].unique():
            paired = table[[method, reference]].dropna()
            if method == reference or paired.empty:
                continue
            comparison = paired_comparison(
                paired[method],
                paired[reference],
                n_resamples=n_resamples,
                random_state=random_state,
            )
            greater = paired_comparison(
                paired[method],
                paired[reference],
                alternative="greater",
                n_resamples=n_resamples,
                random_state=random_state,
            )
            teacher = group.loc[
                (group["method"] == method) & group["subject"].isin(paired.index),
                list(TEACHER_COLUMNS),
            ].mean()
            rows.append(
                {
                    **dict(zip(COMPARISON_KEYS, key, strict=True)),
                    "method": method,
                    "reference": reference,
                    "metric": metric,
                    **comparison._asdict(),
                    "p_greater": greater.p_value,
                    **teacher.to_dict(),
                }
            )
    return pd.DataFrame(rows, columns=list(GAIN_COLUMNS))


def stouffer_across_datasets(
    gains: pd.DataFrame, *, method: str = "cmcrd"
) -> pd.DataFrame:
    """Combine one method's gains over the datasets, as MOABB does.

    Within each group of :data:`COMPARISON_KEYS` but the dataset, the
    one-sided p-values ``p_greater`` are combined by :func:`combine_stouffer`
    and the effect sizes d_z averaged, both weighted by the square root of
    each dataset's subject count. A dataset with one paired subject has no
    test and is left out.

    Parameters
    ----------
    gains : pandas.DataFrame
        The output of :func:`method_gains`.
    method : str
        The method whose gains over the reference are combined.

    Returns
    -------
    pandas.DataFrame
        One row per group: the keys, ``method``, ``reference``, ``datasets``
        (comma-separated), ``n_datasets``, ``n_subjects``, the combined
        ``effect_size`` and the combined one-sided ``p_value``.
    """
    keys = [key for key in COMPARISON_KEYS if key != "dataset"]
    columns = keys + [
        "method",
        "reference",
        "datasets",
        "n_datasets",
        "n_subjects",
        "effect_size",
        "p_value",
    ]
    rows = []
    chosen = gains[(gains["method"] == method) & gains["p_greater"].notna()]
    for key, group in chosen.groupby(keys, sort=False):
        weights = np.sqrt(group["n"].to_numpy(dtype=float))
        effects = group["effect_size"].to_numpy(dtype=float)
        finite = np.isfinite(effects)
        rows.append(
            {
                **dict(zip(keys, key, strict=True)),
                "method": method,
                "reference": group["reference"].iloc[0],
                "datasets": ", ".join(group["dataset"]),
                "n_datasets": len(group),
                "n_subjects": int(group["n"].sum()),
                "effect_size": (
                    float(np.average(effects[finite], weights=weights[finite]))
                    if finite.any()
                    else float("nan")
                ),
                "p_value": combine_stouffer(group["p_greater"], weights),
            }
        )
    return pd.DataFrame(rows, columns=columns)
