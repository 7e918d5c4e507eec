"""The default folder of generated files."""

import sys

import platformdirs
import pytest

from cmcrd_plugin.cache_dir import default_cache_dir


def test_cmcrd_cache_names_the_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("CMCRD_CACHE", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine"


def test_without_cmcrd_cache_it_is_the_platforms_user_cache_folder(monkeypatch):
    monkeypatch.delenv("CMCRD_CACHE", raising=False)
    expected = platformdirs.user_cache_path("cmcrd_plugin", appauthor=False)
    assert default_cache_dir() == expected


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG is Linux's")
def test_on_linux_it_follows_xdg_cache_home(monkeypatch, tmp_path):
    monkeypatch.delenv("CMCRD_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == tmp_path / "xdg" / "cmcrd_plugin"
