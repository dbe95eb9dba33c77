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
