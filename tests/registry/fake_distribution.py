"""Throw-away installed distributions for the registry tests.

Imported by the test modules of this folder (pytest puts it on ``sys.path``).
"""

import textwrap


def write_dist_info(root, dist_name, entry_points):
    """A ``dist-info`` folder under ``root`` with ``cmcrd_plugin`` entry points.

    ``entry_points`` maps entry point names to their values (``"module"``).
    """
    info = root / f"{dist_name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: 0.1\n"
    )
    lines = [f"{name} = {value}" for name, value in entry_points.items()]
    (info / "entry_points.txt").write_text("\n".join(["[cmcrd_plugin]", *lines, ""]))


def install_fake_distribution(
    root, dist_name, module_name, module_source, ep_name=None
):
    """A third-party distribution: a module + dist-info with its entry point."""
    (root / f"{module_name}.py").write_text(textwrap.dedent(module_source))
    write_dist_info(root, dist_name, {ep_name or module_name: module_name})
