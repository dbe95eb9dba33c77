"""Where Numba caches skgen's compiled kernels, with a fallback for installs
that can write neither beside the package nor in the user's cache folder.

Numba looks, in order, in ``NUMBA_CACHE_DIR``, in ``__pycache__`` beside each
source file, and in the user's cache folder (``~/.cache/numba``); when none is
writable, decorating a cached kernel raises ``RuntimeError: cannot cache
function ...: no locator available`` (numba issue #4908), and ``import skgen``
would fail. That happens with a read-only site-packages and no writable home,
as in containers run as another user and in serverless runtimes. Then the cache
goes to a folder of the temporary directory instead, private to the user.
"""

import os
import tempfile

from numba.core import config
from numba.misc.appdirs import AppDirs

#: The subfolder of the temporary directory that takes the cache when Numba's
#: usual places are read-only.
FALLBACK_NAME = "skgen-numba-cache"


def writable(path):
    """Whether ``path`` exists or can be made, and takes a new file."""
    try:
        os.makedirs(path, exist_ok=True)
        tempfile.TemporaryFile(dir=path).close()
    except OSError:
        return False
    return True


def usual_places():
    """The folders Numba would cache skgen's kernels in, without NUMBA_CACHE_DIR."""
    here = os.path.dirname(os.path.abspath(__file__))
    return [os.path.join(here, "__pycache__"),
            AppDirs(appname="numba", appauthor=False).user_cache_dir]


def fallback_folder():
    """The user's folder of the temporary directory."""
    user = os.getuid() if hasattr(os, "getuid") else os.environ.get("USERNAME", "user")
    return os.path.join(tempfile.gettempdir(), f"{FALLBACK_NAME}-{user}")


def ensure_cache_location(is_writable=writable):
    """Point Numba's cache at :func:`fallback_folder` when no usual place is
    writable and NUMBA_CACHE_DIR is unset; return the folder used, or None
    when Numba's own choice stands."""
    if config.CACHE_DIR:
        return None
    if any(is_writable(path) for path in usual_places()):
        return None
    folder = fallback_folder()
    if not is_writable(folder):
        raise RuntimeError(
            "skgen cannot cache its compiled kernels: the package folder, the user's "
            f"cache folder and {folder} are all read-only. Set NUMBA_CACHE_DIR to a "
            "writable folder.")
    config.CACHE_DIR = folder
    return folder
