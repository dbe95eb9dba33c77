"""Kernels built from pieces: a closure over the small compiled functions it calls,
cached under a key that names them.

A kernel factory closes over the pieces a model uses (its activation, loss,
noise model, ...), so that only those are compiled, without a branch per choice.
Two things need care when such closures are cached:

- Numba keys the cache of a closure by a hash of its cells, and a cell that
  holds a compiled function pickles with an identifier drawn anew in each
  process, so the cached code would never be found again. The cache is keyed by
  a digest of the pieces' code instead.
- Numba names a compiled function's symbol after its qualified name, a counter
  of the process and its argument types. Two closures of one factory built
  with different pieces have the same name and types, and, compiled in two
  processes, can get the same symbol; loaded together from the cache, a call
  would then reach either. Each specialisation gets a qualified name of its own.
"""

import hashlib
import re

import numpy as np
from numba import njit
from numba.core.caching import FunctionCache
from numba.core.registry import CPUDispatcher

from ..utils._numba import inline_kernel, kernel

#: The decorator of kernels that only other kernels call: Numba builds them no
#: Python or C entry point, whose compilation is a sizeable part of a small
#: kernel's.
internal_kernel = njit(cache=True, nogil=True, error_model="numpy",
                       no_cpython_wrapper=True, no_cfunc_wrapper=True)

# Constants that kernels pass to other kernels. Numba types a Python constant
# argument as a literal (``Literal[int](0)``) and compiles the callee once more
# for it; a numpy scalar is typed as a plain int64 or bool.
ZERO = np.int64(0)
TRUE = np.bool_(True)
FALSE = np.bool_(False)


def _code_digest(code):
    """A digest of a code object's instructions, names and constants."""
    parts = [code.co_code, repr(code.co_names).encode()]
    for constant in code.co_consts:
        if hasattr(constant, "co_code"):
            parts.append(_code_digest(constant).encode())
        else:
            parts.append(repr(constant).encode())
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _piece_digest(value):
    """The digest of a closure cell: the code of a compiled piece (and of the
    cells it closes over in turn), the description of anything else."""
    if isinstance(value, CPUDispatcher):
        function = value.py_func
        cells = [cell.cell_contents for cell in function.__closure__ or ()]
        return ":".join([function.__qualname__, _code_digest(function.__code__),
                         *(_piece_digest(cell) for cell in cells)])
    return repr(value)


def _pieces_digest(function, description):
    """A digest of the description and the closure cells of ``function``."""
    cells = [cell.cell_contents for cell in function.__closure__ or ()]
    pieces = "\0".join([description, *(_piece_digest(cell) for cell in cells)])
    return hashlib.sha256(pieces.encode()).hexdigest()


class _SpecializedCache(FunctionCache):
    """Numba's cache of one function, keyed by the pieces it closes over."""

    def __init__(self, py_func, pieces_digest):
        super().__init__(py_func)
        self._pieces_digest = pieces_digest

    def _index_key(self, sig, codegen):
        code = _code_digest(self._py_func.__code__)
        return (sig, codegen.magic_tuple(), (code, self._pieces_digest))


def piece_name(piece):
    """A short name of a compiled piece, for the descriptions of the kernels built
    with it: its name, or the description it was specialised with."""
    if piece is None:
        return "none"
    name = piece.py_func.__qualname__
    return name[name.index("[") + 1:name.rindex(";")] if "[" in name else name


def specialized_kernel(function, description, inline=False, internal=False):
    """Compile ``function``, a closure over compiled pieces, as a cached kernel.

    ``description`` names the pieces (for example ``"forward(relu, identity)"``);
    with the code of every compiled piece in the closure, it keys the cache, so
    that a new process finds the kernel compiled for the same pieces. An
    ``inline`` kernel is inlined into the kernels that call it; an ``internal``
    one can only be called by kernels (see ``internal_kernel``).
    """
    digest = _pieces_digest(function, description)
    # For example ``forward_pass.<locals>.forward[forward(relu,identity);9cf68028]``.
    label = re.sub(r"[^\w(),.]", "", description)
    function.__qualname__ = f"{function.__qualname__}[{label};{digest[:8]}]"
    if inline:
        decorator = inline_kernel
    elif internal:
        decorator = internal_kernel
    else:
        decorator = kernel
    dispatcher = decorator(function)
    dispatcher._cache = _SpecializedCache(function, digest)
    return dispatcher
