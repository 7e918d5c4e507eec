"""What a TorchEEG cache was built from: its manifest.

The manifest records the dataset class, the storage mode, the arguments
(offline transforms included) and the content of every source file. A cache
is reused only when the digest of its manifest equals the digest of the
manifest the constructor asks for.

Transforms are described by their class's qualified name and a hash of their
attributes (``vars(t)``, walked recursively through lists, tuples, dicts,
arrays, scalars and nested transforms such as ``Compose``), never by their
``repr``: TorchEEG's reprs elide lists and dicts (``PickElectrode(
pick_list=[...])``) and custom classes show memory addresses. A transform
holding a function (``Lambda``, a closure) has no stable description; it
needs an explicit ``cache_key``.
"""

from __future__ import annotations

import enum
import functools
import hashlib
import json
import sys
import types
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .. import __version__

MANIFEST = "cmcrd_manifest.json"

#: functions and other callables whose behaviour their state does not show
_OPAQUE = (
    types.FunctionType,
    types.BuiltinFunctionType,
    types.MethodType,
    types.LambdaType,
)


class CacheKeyError(TypeError):
    """An argument (usually a transform) cannot be described stably for a cache."""


_HEAP_TYPE = 1 << 9  # Py_TPFLAGS_HEAPTYPE: not a static C type


def _compiled(cls: type) -> bool:
    """Whether ``cls`` is a C type (its instances' state is not in vars())."""
    if not cls.__flags__ & _HEAP_TYPE:
        return True
    module = sys.modules.get(cls.__module__)
    source = getattr(module, "__file__", None)
    return source is None or not source.endswith(".py")


def describe(value: Any, where: str) -> Any:
    """A JSON-able description of ``value`` that is equal across processes.

    Parameters
    ----------
    value : object
        A plain value, a container, an array, or an object (a transform)
        whose attributes are such values.
    where : str
        What ``value`` is (an argument name), for error messages.

    Raises
    ------
    CacheKeyError
        If ``value`` holds a function, a reference cycle, or an object with
        no readable state.
    """
    return _describe(value, where, set())


def _describe(value: Any, where: str, active: set[int]) -> Any:
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return repr(value)  # exact, and NaN / inf are JSON-safe this way
    if isinstance(value, complex):
        return {"complex": [repr(value.real), repr(value.imag)]}
    if isinstance(value, (bytes, bytearray)):
        return {"bytes": hashlib.blake2b(value, digest_size=16).hexdigest()}
    if isinstance(value, enum.Enum):
        return {"enum": _qualified_name(type(value)), "name": value.name}
    if isinstance(value, np.generic):
        return {
            "numpy": value.dtype.str,
            "value": _describe(value.item(), where, active),
        }
    if isinstance(value, Path):
        return {"path": str(value)}
    if isinstance(value, type):
        return {"class": _qualified_name(value)}
    if isinstance(value, _OPAQUE):
        raise CacheKeyError(
            f"{where} is the function {getattr(value, '__qualname__', value)!r}, "
            "which has no stable description for the cache manifest; pass "
            "cache_key='...' (a name you change whenever the offline transforms "
            "change)"
        )
    if id(value) in active:
        raise CacheKeyError(f"{where} refers to itself; pass cache_key='...'")
    active.add(id(value))
    try:
        return _describe_container_or_object(value, where, active)
    finally:
        active.discard(id(value))


def _describe_container_or_object(value: Any, where: str, active: set[int]) -> Any:
    if isinstance(value, np.ndarray):
        if value.dtype.hasobject:
            return {
                "ndarray": value.dtype.str,
                "shape": list(value.shape),
                "items": [_describe(v, f"{where}[...]", active) for v in value.flat],
            }
        data = np.ascontiguousarray(value).tobytes()
        return {
            "ndarray": value.dtype.str,
            "shape": list(value.shape),
            "blake2b": hashlib.blake2b(data, digest_size=16).hexdigest(),
        }
    if isinstance(value, torch.Tensor):
        return {"tensor": _describe(value.detach().cpu().numpy(), where, active)}
    if isinstance(value, (list, tuple)):
        items = [_describe(v, f"{where}[{i}]", active) for i, v in enumerate(value)]
        return {type(value).__name__: items}
    if isinstance(value, (set, frozenset)):
        items = [_describe(v, f"{where}{{...}}", active) for v in value]
        return {"set": sorted(items, key=_canonical)}
    if isinstance(value, dict):
        items = [
            [
                _describe(k, f"{where} key", active),
                _describe(v, f"{where}[{k!r}]", active),
            ]
            for k, v in value.items()
        ]
        return {"dict": sorted(items, key=lambda kv: _canonical(kv[0]))}
    if isinstance(value, functools.partial):  # its state is not in vars()
        return {
            "partial": _describe(value.func, f"{where}.func", active),
            "args": _describe(value.args, f"{where}.args", active),
            "keywords": _describe(value.keywords, f"{where}.keywords", active),
        }
    return _describe_object(value, where, active)


def _describe_object(value: Any, where: str, active: set[int]) -> Any:
    cls = type(value)
    hidden = [k for k in cls.__mro__[:-1] if _compiled(k)]
    if hidden:  # a C base class keeps state vars() does not show
        raise CacheKeyError(
            f"{where} ({_qualified_name(cls)}) keeps state in the C type "
            f"{_qualified_name(hidden[0])}, which the cache manifest cannot "
            "read; pass cache_key='...'"
        )
    state: dict[str, Any] = {}
    if hasattr(value, "__dict__"):
        state.update(vars(value))
    for klass in cls.__mro__:
        for slot in getattr(klass, "__slots__", ()):
            if slot not in ("__dict__", "__weakref__") and hasattr(value, slot):
                state[slot] = getattr(value, slot)
    if not state and not hasattr(value, "__dict__"):
        raise CacheKeyError(
            f"{where} ({_qualified_name(cls)}) has no readable state to describe "
            "for the cache manifest; pass cache_key='...'"
        )
    name = _qualified_name(cls)
    attributes = {
        key: _describe(val, f"{where}.{key}", active)
        for key, val in sorted(state.items())
    }
    return {"object": name, "blake2b": _hash(attributes)}


def transform_key(transform: Any, where: str) -> str | None:
    """``"<module>.<QualName>#<hash of attributes>"``, or None for no transform.

    Raises
    ------
    CacheKeyError
        If the transform (or something inside it) cannot be described
        stably; the message names ``where`` and the attribute at fault.
    """
    if transform is None:
        return None
    description = describe(transform, where)
    if isinstance(description, dict) and "object" in description:
        return f"{description['object']}#{description['blake2b']}"
    return f"{type(transform).__name__}#{_hash(description)}"


def fingerprint_files(
    paths: Iterable[Path], known: Sequence[dict] | None = None
) -> list[dict]:
    """``{"path", "size", "blake2b", "stat"}`` of every source file, by path.

    ``blake2b`` hashes the file's content. ``stat`` (size, mtime, ctime,
    inode) only spares re-reading a file whose ``stat`` equals the one in
    ``known`` (the entries of an earlier manifest): the kernel sets ``ctime``
    on every write and ``os.utime`` cannot set it back, so an edited file is
    always re-hashed.
    """
    memo = {entry["path"]: entry for entry in known or () if "stat" in entry}
    out = []
    for path in sorted({Path(p).resolve() for p in paths}):
        st = path.stat()
        stamp = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        previous = memo.get(str(path))
        if previous is not None and previous["stat"] == stamp:
            digest = previous["blake2b"]
        else:
            digest = _hash_file(path)
        out.append(
            {"path": str(path), "size": st.st_size, "blake2b": digest, "stat": stamp}
        )
    return out


def offline_transform_keys(
    offline_transform: Any, eye_offline_transform: Any, cache_key: str | None
) -> dict[str, str | None]:
    """The manifest's entries for the offline transforms.

    ``cache_key``, when given, stands for both transforms (it is the only
    way to cache a ``Lambda`` or other function-holding transform); otherwise
    each is keyed by :func:`transform_key`.
    """
    if cache_key is not None:
        if not isinstance(cache_key, str) or not cache_key:
            raise ValueError(f"cache_key must be a non-empty string, got {cache_key!r}")
        return {"cache_key": cache_key}
    return {
        "offline_transform": transform_key(offline_transform, "offline_transform"),
        "eye_offline_transform": transform_key(
            eye_offline_transform, "eye_offline_transform"
        ),
    }


def manifest_key(dataset: str, io_mode: str, arguments: dict[str, Any]) -> str:
    """The digest of everything in a manifest but the source files."""
    return _hash(_header(dataset, io_mode, arguments))


def make_manifest(
    dataset: str,
    io_mode: str,
    arguments: dict[str, Any],
    files: list[dict],
) -> dict:
    """The manifest of a cache, with its ``digest`` (and ``key``, without files).

    Parameters
    ----------
    dataset : str
        The dataset class's name.
    io_mode : str
        TorchEEG's storage mode (``"lmdb"`` or ``"pickle"``).
    arguments : dict
        Every constructor argument that changes what is stored, already
        described (:func:`describe`, :func:`offline_transform_keys`).
    files : list of dict
        :func:`fingerprint_files` of the source files.
    """
    manifest = _header(dataset, io_mode, arguments)
    manifest["key"] = _hash(manifest)
    manifest["files"] = files
    content = [[f["path"], f["size"], f["blake2b"]] for f in files]
    manifest["digest"] = _hash({"key": manifest["key"], "files": content})
    return manifest


def _header(dataset: str, io_mode: str, arguments: dict[str, Any]) -> dict:
    return {
        "dataset": dataset,
        "cmcrd_plugin": __version__,
        "io_mode": io_mode,
        "arguments": dict(sorted(arguments.items())),
    }


def read_manifest(folder: Path) -> dict | None:
    """The manifest in ``folder``, or None if absent or unreadable."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def write_manifest(folder: Path, manifest: dict) -> None:
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=1))


def describe_mismatch(old: dict | None, new: dict) -> str:
    """Which part of the manifest differs, for warnings and errors."""
    if old is None:
        return "it has no valid cmcrd manifest (built elsewhere, or interrupted)"
    diffs = []
    for field in ("dataset", "io_mode"):
        if old.get(field) != new[field]:
            diffs.append(f"{field} {old.get(field)} != {new[field]}")
    old_args, new_args = old.get("arguments", {}), new["arguments"]
    for key in sorted(set(old_args) | set(new_args)):
        if old_args.get(key) != new_args.get(key):
            diffs.append(f"argument {key}: {old_args.get(key)} != {new_args.get(key)}")
    old_files = [[f.get("path"), f.get("blake2b")] for f in _entries(old)]
    if old_files != [[f["path"], f["blake2b"]] for f in new["files"]]:
        diffs.append("source files changed (content or list)")
    if old.get("cmcrd_plugin") != new["cmcrd_plugin"]:
        diffs.append(f"built by cmcrd-plugin {old.get('cmcrd_plugin')}")
    return "; ".join(diffs) or "unknown difference"


def _entries(manifest: dict) -> list[dict]:
    files = manifest.get("files")
    return [f for f in files if isinstance(f, dict)] if isinstance(files, list) else []


def _qualified_name(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _hash_file(path: Path) -> str:
    digest = hashlib.blake2b()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _canonical(description: Any) -> str:
    return json.dumps(description, sort_keys=True)


def _hash(description: Any) -> str:
    return hashlib.sha256(_canonical(description).encode()).hexdigest()
