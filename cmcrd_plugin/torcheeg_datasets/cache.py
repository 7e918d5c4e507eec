"""Cache safety for TorchEEG ``io_path`` folders.

TorchEEG reuses any existing ``io_path`` whatever the constructor arguments,
and a failed first build can leave a folder that later reads as "corrupted".
Here a cache folder is valid only if it holds a manifest written at the end
of a successful build, recording the dataset class, its arguments and the
size and modification time of every source file. Builds go to a temporary
sibling folder that is renamed into place only on success.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable
from pathlib import Path

MANIFEST = "cmcrd_manifest.json"


class CacheMismatchError(RuntimeError):
    """An ``io_path`` was built from other arguments or other source files."""


def fingerprint_files(paths: Iterable[Path]) -> list[list]:
    """``[path, size, mtime_ns]`` of every source file, sorted by path."""
    out = []
    for path in sorted({Path(p).resolve() for p in paths}):
        stat = path.stat()
        out.append([str(path), stat.st_size, stat.st_mtime_ns])
    return out


def make_manifest(dataset: str, arguments: dict, files: Iterable[Path]) -> dict:
    """The manifest of a cache: class, arguments (as reprs) and file fingerprints."""
    from .. import __version__

    args = {k: repr(v) for k, v in sorted(arguments.items())}
    manifest = {
        "dataset": dataset,
        "cmcrd_plugin": __version__,
        "arguments": args,
        "files": fingerprint_files(files),
    }
    digest = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    manifest["digest"] = digest
    return manifest


def read_manifest(io_path: Path) -> dict | None:
    """The manifest of ``io_path``, or None if absent or unreadable."""
    try:
        return json.loads((io_path / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


def describe_mismatch(old: dict | None, new: dict) -> str:
    """Which part of the manifest differs, for error messages."""
    if old is None:
        return "it has no valid cmcrd manifest (built elsewhere, or interrupted)"
    diffs = []
    if old.get("dataset") != new["dataset"]:
        diffs.append(f"dataset {old.get('dataset')} != {new['dataset']}")
    old_args, new_args = old.get("arguments", {}), new["arguments"]
    for key in sorted(set(old_args) | set(new_args)):
        if old_args.get(key) != new_args.get(key):
            diffs.append(f"argument {key}: {old_args.get(key)} != {new_args.get(key)}")
    if old.get("files") != new["files"]:
        diffs.append("source files changed (size, time or list)")
    if old.get("cmcrd_plugin") != new["cmcrd_plugin"]:
        diffs.append(f"built by cmcrd-plugin {old.get('cmcrd_plugin')}")
    return "; ".join(diffs) or "unknown difference"


def build_atomically(
    io_path: Path, manifest: dict, build: Callable[[Path], None]
) -> None:
    """Run ``build(tmp)`` in a sibling temporary folder, then move it to ``io_path``.

    On failure the temporary folder is removed and ``io_path`` is untouched.
    If another process finished a valid build of the same manifest first, its
    cache is kept and this build is discarded. A stale ``io_path`` is replaced.
    """
    io_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = (
        io_path.parent
        / f".{io_path.name}.building-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    )
    try:
        build(tmp)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=1))
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if io_path.exists():
        current = read_manifest(io_path)
        if current is not None and current.get("digest") == manifest["digest"]:
            shutil.rmtree(tmp, ignore_errors=True)  # a concurrent build won
            return
        trash = io_path.parent / f".{io_path.name}.stale-{uuid.uuid4().hex[:8]}"
        os.rename(io_path, trash)
        shutil.rmtree(trash, ignore_errors=True)
    try:
        os.rename(tmp, io_path)
    except OSError:
        # another process moved its build into place between our check and rename
        shutil.rmtree(tmp, ignore_errors=True)
        if read_manifest(io_path) is None:
            raise
