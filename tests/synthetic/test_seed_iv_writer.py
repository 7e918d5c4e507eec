import scipy.io

from cmcrd_plugin.synthetic import write_seed_iv
from cmcrd_plugin.synthetic.seed_iv import written_bytes


def test_written_bytes_are_the_bytes_of_the_arrays_written(tmp_path):
    kwargs = dict(subjects=[2], sessions=[1, 3], window_fraction=0.05, raw=True)
    write_seed_iv(tmp_path, progress=False, **kwargs)
    arrays = 0
    for path in tmp_path.rglob("*.mat"):
        variables = scipy.io.loadmat(path)
        arrays += sum(v.nbytes for k, v in variables.items() if not k.startswith("__"))
    assert written_bytes(**kwargs) == arrays
    without_raw = written_bytes(**{**kwargs, "raw": False})
    assert 0 < without_raw < arrays / 10  # the raw EEG is most of it
