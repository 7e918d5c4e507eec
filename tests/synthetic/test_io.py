"""Atomic writes give the permissions a plain open would."""

import os
import stat

from cmcrd_plugin.synthetic.io import umasked, write_atomic


def test_atomic_writes_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        path = tmp_path / "f.txt"
        write_atomic(path, lambda tmp: tmp.write_text("x"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o644  # mkstemp gives 0600
        assert umasked(0o777) == 0o755
        os.umask(0o077)
        write_atomic(path, lambda tmp: tmp.write_text("y"))
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    finally:
        os.umask(old)
