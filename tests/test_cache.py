"""Where the compiled kernels are cached (skgen.utils._cache)."""

import os
import subprocess
import sys

import pytest
from numba.core import config

from skgen.utils import _cache


def test_the_usual_places_are_kept_when_one_is_writable(monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", "")
    usual = _cache.usual_places()
    assert _cache.ensure_cache_location(lambda path: path == usual[1]) is None
    assert config.CACHE_DIR == ""


def test_read_only_places_fall_back_to_the_temporary_folder(monkeypatch, tmp_path):
    monkeypatch.setattr(config, "CACHE_DIR", "")
    monkeypatch.setattr(_cache.tempfile, "gettempdir", lambda: str(tmp_path))
    folder = _cache.ensure_cache_location(lambda path: path.startswith(str(tmp_path)))
    assert folder.startswith(str(tmp_path)) and config.CACHE_DIR == folder


def test_nothing_writable_raises_with_advice(monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", "")
    with pytest.raises(RuntimeError, match="NUMBA_CACHE_DIR"):
        _cache.ensure_cache_location(lambda path: False)


def test_numba_cache_dir_is_respected(monkeypatch):
    monkeypatch.setattr(config, "CACHE_DIR", "/somewhere")
    assert _cache.ensure_cache_location(lambda path: False) is None
    assert config.CACHE_DIR == "/somewhere"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root writes to read-only folders")
def test_a_read_only_install_without_a_home_imports_and_fits(tmp_path):
    import shutil

    import skgen

    package = tmp_path / "site" / "skgen"
    shutil.copytree(os.path.dirname(skgen.__file__), package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    for root, dirs, files in os.walk(tmp_path / "site"):
        for name in dirs + files:
            os.chmod(os.path.join(root, name), 0o555)
    home = tmp_path / "home"
    home.mkdir(mode=0o555)
    env = {k: v for k, v in os.environ.items()
           if k not in ("NUMBA_CACHE_DIR", "XDG_CACHE_HOME")}
    env.update(HOME=str(home), PYTHONPATH=str(tmp_path / "site"),
               TMPDIR=str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    code = ("import numpy as np, skgen; "
            "skgen.HopfieldNetwork().fit(np.eye(4)).predict(np.eye(4)); print('ok')")
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert any((tmp_path / "tmp").iterdir())
