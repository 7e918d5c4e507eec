"""The format modules stay importable without the heavy dependencies."""

import subprocess
import sys


def test_formats_import_only_the_standard_library():
    heavy = ("numpy", "scipy", "torch", "torcheeg", "skorch", "braindecode", "pandas")
    code = (
        "import sys\n"
        "import cmcrd_plugin.formats\n"
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {heavy!r}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"
