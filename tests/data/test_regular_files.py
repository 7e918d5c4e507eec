"""Hostile file kinds in place of a dataset file, for every loader.

A FIFO, a directory, a symbolic-link loop, a link to ``/dev/zero``, a broken
link or a regular file of random bytes stands where a subject's EEG or eye
file should be. The loader must neither hang nor skip the file: it raises
``DatasetFormatError`` naming the file (and, for the non-regular kinds, what
it is). The tests run under a timeout, so a hang fails them.
"""

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cmcrd_plugin.data import (
    DatasetFormatError,
    load_paired_npz,
    load_seed,
    load_seed_iv,
    load_seed_v,
    write_paired_npz,
)
from cmcrd_plugin.files import UnreadableFileError, open_regular_file
from cmcrd_plugin.formats import seed, seed_iv, seed_v
from cmcrd_plugin.synthetic import write_seed, write_seed_iv, write_seed_v

# hard_timeout: after a timeout Hypothesis would go on to shrink (and hang again)
pytestmark = [pytest.mark.timeout(60), pytest.mark.usefixtures("hard_timeout")]

KIND_PHRASES = {
    "fifo": "is a FIFO",
    "directory": "is a directory",
    "symlink loop": "symbolic link loop",
    "link to /dev/zero": "is a character device",
    "broken link": "broken symbolic link",
}
"""What the error says about each non-regular kind."""
KINDS = (*KIND_PHRASES, "random bytes")


def replace(path: Path, kind: str, content: bytes = b"") -> None:
    """Put a file of ``kind`` at ``path`` in place of what is there."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "directory":
        path.mkdir()
    elif kind == "symlink loop":
        path.symlink_to(path.name)
    elif kind == "link to /dev/zero":
        path.symlink_to("/dev/zero")
    elif kind == "broken link":
        path.symlink_to(path.parent / "no such file")
    else:
        path.write_bytes(content)


@pytest.fixture(scope="module")
def templates(tmp_path_factory):
    """One small subject of every format, written in the real layouts."""
    root = tmp_path_factory.mktemp("templates")
    quiet = dict(window_fraction=0.05, progress=False)
    write_seed_iv(root / "seed_iv", subjects=[1], sessions=[1], **quiet)
    write_seed(root / "seed", subjects=[1], sessions=[1], **quiet)
    write_seed_v(root / "seed_v", subjects=[1], **quiet)
    write_paired_npz(root / "paired" / "s1.npz", load_seed_v(root / "seed_v"))
    return root


language = Path(seed.RELEASE_FOLDER) / seed.DEFAULT_LANGUAGE
TARGETS = {
    "SEED-IV EEG": (
        "seed_iv",
        Path(seed_iv.EEG_FEATURE_FOLDER) / "1" / seed_iv.file_name(1, 1),
        load_seed_iv,
    ),
    "SEED-IV eye": (
        "seed_iv",
        Path(seed_iv.EYE_FOLDER) / "1" / seed_iv.file_name(1, 1),
        load_seed_iv,
    ),
    "SEED EEG": ("seed", language / seed.EEG_FOLDER / seed.eeg_file(1, 1), load_seed),
    "SEED eye": ("seed", language / seed.EYE_FOLDER / seed.eye_file(1, 1), load_seed),
    "SEED-V EEG": ("seed_v", Path(seed_v.EEG_FOLDER) / "1_123.npz", load_seed_v),
    "SEED-V eye": ("seed_v", Path(seed_v.EYE_FOLDER) / "1_123.npz", load_seed_v),
    "paired NPZ": ("paired", Path("s1.npz"), load_paired_npz),
}


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    target=st.sampled_from(sorted(TARGETS)),
    kind=st.sampled_from(KINDS),
    content=st.binary(max_size=64),
)
def test_every_loader_names_a_file_that_is_not_a_readable_regular_file(
    templates, target, kind, content
):
    dataset, relative, load = TARGETS[target]
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / dataset
        shutil.copytree(templates / dataset, root, symlinks=True)
        path = root / relative
        replace(path, kind, content)
        phrase = KIND_PHRASES.get(kind, "")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises(DatasetFormatError, match=re.escape(str(path))) as err:
                load(root, subjects=[1])
        assert phrase in str(err.value)


@pytest.mark.parametrize("kind", sorted(KIND_PHRASES))
def test_open_regular_file_refuses_other_kinds_before_opening(tmp_path, kind):
    path = tmp_path / "x.mat"
    replace(path, kind)
    with pytest.raises(UnreadableFileError, match=KIND_PHRASES[kind]):
        open_regular_file(path)
    with pytest.raises(DatasetFormatError, match=KIND_PHRASES[kind]):
        open_regular_file(path, DatasetFormatError)  # as the loaders call it


def test_open_regular_file_reads_regular_files_and_names_missing_ones(tmp_path):
    path = tmp_path / "x.mat"
    path.write_bytes(b"content")
    with open_regular_file(path) as file:
        assert file.read() == b"content"
    link = tmp_path / "link.mat"
    link.symlink_to(path)
    with open_regular_file(link) as file:
        assert file.read() == b"content"
    with pytest.raises(UnreadableFileError, match=r"absent\.mat: file not found"):
        open_regular_file(tmp_path / "absent.mat")
