import numpy as np

from cmcrd_plugin.data import load_seed_v, seed_v_folds


def test_seed_v_folds_are_by_trial_and_validation_is_cut_from_training(seed_v_root):
    windows = load_seed_v(seed_v_root)
    folds = seed_v_folds(windows)
    assert [f.name for f in folds] == ["fold1", "fold2", "fold3"]
    all_test = np.concatenate([f.test for f in folds])
    assert sorted(all_test) == list(range(len(windows)))  # every window tested once
    for k, f in enumerate(folds):
        assert set(np.unique(windows.trial[f.test])) == set(range(5 * k, 5 * k + 5))
        parts = [set(f.train), set(f.valid), set(f.test)]
        assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
        assert len(parts[0] | parts[1] | parts[2]) == len(windows)
        # whole trials: no (subject, session, trial) is shared by train and valid
        key = windows.subject * 10_000 + windows.session * 100 + windows.trial
        assert not set(key[f.train]) & set(key[f.valid])
        # every subject has every class in validation
        for s in (1, 2):
            rows = f.valid[windows.subject[f.valid] == s]
            assert set(windows.label[rows]) == set(range(5))


def test_seed_seed_iv_and_loso_splits(seed_iv_root):
    from cmcrd_plugin.data import (
        leave_one_subject_out,
        load_seed_iv,
        seed_iv_split,
        seed_split,
    )

    w = load_seed_iv(seed_iv_root)
    s = seed_iv_split(w)
    assert set(w.trial[s.test]) == set(range(16, 24))
    assert set(w.trial[s.train]) | set(w.trial[s.valid]) <= set(range(16))
    assert set(w.label[s.valid]) == set(range(4))
    s9 = seed_split(w)
    assert set(w.trial[s9.test]) == set(range(9, 24))
    folds = leave_one_subject_out(w)
    assert [f.name for f in folds] == ["subject1", "subject2"]
    for f in folds:
        assert len(set(w.subject[f.test])) == 1
        assert not set(w.subject[f.test]) & set(w.subject[f.train])
        assert not set(w.subject[f.test]) & set(w.subject[f.valid])
