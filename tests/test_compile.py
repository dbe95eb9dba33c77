"""Ahead-of-time compilation (skgen.compile)."""

import pytest

from skgen.compile import compile_kernels, main


def test_compile_kernels_fits_and_uses_each_estimator(capsys):
    seconds = compile_kernels(["HopfieldNetwork", "BoltzmannMachine"], ("float64",))
    assert set(seconds) == {("HopfieldNetwork", "float64"), ("BoltzmannMachine", "float64")}
    assert all(value >= 0 for value in seconds.values())
    assert "total" in capsys.readouterr().out


def test_the_command_line_takes_names_and_dtypes(capsys):
    main(["ModernHopfieldNetwork", "--dtypes", "float32"])
    out = capsys.readouterr().out
    assert "ModernHopfieldNetwork" in out and "float32" in out


def test_unknown_names_are_rejected():
    with pytest.raises(ValueError, match="Unknown estimators"):
        compile_kernels(["NotAModel"], verbose=False)


def test_compiling_in_two_processes_covers_every_pair(capsys):
    # Each (estimator, dtype) pair is fitted in one of two spawned processes, into
    # the same cache; the parent reports them in the order asked.
    pairs = [(name, dtype) for name in ("HopfieldNetwork", "ModernHopfieldNetwork")
             for dtype in ("float64", "float32")]
    seconds = compile_kernels([name for name, _ in pairs[::2]], ("float64", "float32"),
                              n_jobs=2)
    assert list(seconds) == pairs
    assert all(value >= 0 for value in seconds.values())
    out = capsys.readouterr().out
    assert all(name in out for name, _ in pairs) and "total" in out
