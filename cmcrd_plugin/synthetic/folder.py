"""The folder a synthetic writer writes into: checked before anything is
written, and described by a settings file.

Every writer leaves ``cmcrd-synthetic-{dataset}.json`` in its root folder:
the settings its values depend on (the generator's class and parameters, the
window fraction, ...) and the files it wrote. Writing again into that folder

* with the same settings keeps the files that exist and adds the missing ones
  (other subjects or sessions; ``overwrite`` rewrites them all);
* with other settings is refused (:class:`SyntheticDataError`, naming what
  differs) unless ``overwrite``, which first removes the files the old
  settings wrote, so the folder never mixes the two.

A folder that holds the dataset's files but no settings file (real
recordings, or files written before the settings file existed) is refused
unless ``overwrite``. The settings file is updated after every data file, so
a killed writer leaves a folder whose settings file lists exactly what it
wrote.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from numbers import Integral
from pathlib import Path
from typing import Any

from ..files import write_atomic

VERSION = 1
"""Version of the synthetic values: bump it when a writer's output changes, so
that folders written before are refused instead of being extended."""


class SyntheticDataError(ValueError):
    """Invalid writer arguments, or a folder holding other data."""


def settings_file(root: str | Path, dataset: str) -> Path:
    """The settings file a writer of ``dataset`` leaves in ``root``."""
    return Path(root) / f"cmcrd-synthetic-{dataset}.json"


def check_ids(ids: Iterable, valid: Iterable[int], what: str) -> list:
    """``ids`` without repeats, if every one is an integer of ``valid``.

    Raises
    ------
    SyntheticDataError
        Naming ``what`` (for example ``"seed_v subjects"``) and the ids that
        are not integers of ``valid``.
    """
    ids, valid = list(dict.fromkeys(ids)), tuple(valid)
    bad = [
        i
        for i in ids
        if not isinstance(i, Integral) or isinstance(i, bool) or i not in valid
    ]
    if bad:
        raise SyntheticDataError(
            f"{what} {bad} are not in the dataset (it has {min(valid)}..{max(valid)})"
        )
    return ids


def generator_settings(generator) -> dict[str, Any]:
    """The class and parameters of a (dataclass) feature generator."""
    kind = type(generator)
    return {"class": f"{kind.__module__}.{kind.__qualname__}"} | dataclasses.asdict(
        generator
    )


def _flat(settings: dict, prefix: str = "") -> dict[str, Any]:
    flat = {}
    for key, value in settings.items():
        if isinstance(value, dict):
            flat.update(_flat(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _differences(old: dict, new: dict) -> str:
    old, new = _flat(old), _flat(new)
    return ", ".join(
        f"{key.removeprefix('generator.')} {old.get(key)} -> {new.get(key)}"
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    )


@dataclass
class SyntheticFolder:
    """A root folder claimed by a writer of ``dataset`` with ``settings``.

    Build it with :meth:`claim`; call :meth:`wrote` after each data file.
    """

    root: Path
    dataset: str
    settings: dict[str, Any]
    files: list[str] = field(default_factory=list)
    """Files written with ``settings``, relative to ``root``."""

    @classmethod
    def claim(
        cls,
        root: str | Path,
        dataset: str,
        settings: dict[str, Any],
        layout: Iterable[str | Path],
        overwrite: bool = False,
    ) -> SyntheticFolder:
        """Check that ``root`` may take ``dataset`` written with ``settings``.

        Parameters
        ----------
        root : path
            The writer's output folder (not created here).
        dataset : str
            Name of the dataset (part of the settings file's name).
        settings : dict
            What the values depend on (JSON-serialisable).
        layout : iterable of path
            The dataset's top folders, relative to ``root``: files there
            without a settings file are someone else's.
        overwrite : bool
            Replace a dataset written with other settings, or not by a writer.

        Raises
        ------
        SyntheticDataError
            If ``root`` is not a folder, or holds the dataset written with
            other settings or without a settings file, and not ``overwrite``.
        """
        root = Path(root)
        settings = json.loads(json.dumps(settings))  # tuples -> lists
        if root.exists() and not root.is_dir():
            raise SyntheticDataError(f"{root} is not a folder")
        path = settings_file(root, dataset)
        if path.exists() or path.is_symlink():
            old = cls._read(path)
            old_settings = {"version": old.get("version"), **old.get("settings", {})}
            new_settings = {"version": VERSION, **settings}
            if old_settings == new_settings:
                return cls(root, dataset, settings, list(old.get("files", [])))
            if not overwrite:
                raise SyntheticDataError(
                    f"{root} holds a synthetic {dataset} written with other "
                    f"settings ({_differences(old_settings, new_settings)}); pass "
                    "--overwrite (overwrite=True) to replace it"
                )
            cls._remove(root, old.get("files", []))
            path.unlink()
            return cls(root, dataset, settings)
        foreign = [
            p
            for folder in layout
            for p in (root / folder).rglob("*")
            if p.is_file() and not p.name.startswith(".")
        ]
        if foreign and not overwrite:
            raise SyntheticDataError(
                f"{root} holds {dataset} files (such as {foreign[0]}) but no "
                f"{path.name}: they were not written by cmcrd synth, or by a version "
                "before the settings file; pass --overwrite (overwrite=True) to "
                "replace them, or choose another folder"
            )
        return cls(root, dataset, settings)

    @staticmethod
    def _read(path: Path) -> dict[str, Any]:
        try:
            manifest = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise SyntheticDataError(
                f"{path}: unreadable settings file ({exc})"
            ) from exc
        if not isinstance(manifest, dict) or not isinstance(
            manifest.get("settings", {}), dict
        ):
            raise SyntheticDataError(f"{path}: not a settings file of cmcrd synth")
        return manifest

    @staticmethod
    def _remove(root: Path, files: Iterable[str]) -> None:
        """Remove the listed files that lie inside ``root``."""
        inside = root.resolve()
        for name in files:
            path = root / name
            if inside in path.resolve().parents:
                path.unlink(missing_ok=True)

    def wrote(self, path: Path) -> None:
        """Record that ``path`` (under ``root``) now holds data of these settings."""
        name = path.relative_to(self.root).as_posix()
        if name not in self.files:
            self.files.append(name)
        manifest = {
            "written_by": "cmcrd_plugin.synthetic",
            "version": VERSION,
            "dataset": self.dataset,
            "settings": self.settings,
            "files": sorted(self.files),
        }
        text = json.dumps(manifest, indent=1) + "\n"
        write_atomic(settings_file(self.root, self.dataset), partial(_write_text, text))


def _write_text(text: str, path: Path) -> None:
    path.write_text(text)
