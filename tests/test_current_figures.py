"""benchmarks/current_figures.py: the block of current figures in RESULTS.md."""

import importlib.util
from pathlib import Path

import pytest

TOOL = Path(__file__).resolve().parents[1] / "benchmarks" / "current_figures.py"


def load_module(name, path):
    """A module of the benchmarks folder, imported by path: the folder is not a
    package, and its benchmarks' imports are heavy."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


current_figures = load_module("current_figures", TOOL)

HISTORY = "## 2026-12-01: an old run\n\n| a | b |\n| - | -: |\n| x | 1 |\n"


def section(name, value):
    return f"### {name}\n\n- command: `python {name}.py --markdown`\n\n| a |\n| -: |\n| {value} |\n"


@pytest.fixture
def results(tmp_path):
    """A RESULTS.md with the block (holding bench_b and bench_d) and a history."""
    path = tmp_path / "RESULTS.md"
    path.write_text(
        f"# Benchmark results\n\nFilled by current_figures.py.\n\n{current_figures.BEGIN}\n"
        f"{section('bench_d', 4)}\n{section('bench_b', 2)}{current_figures.END}\n\n"
        f"{HISTORY}")
    return path


def run(results, tmp_path, **fragments):
    paths = []
    for name, text in fragments.items():
        paths.append(tmp_path / f"{name}.md")
        paths[-1].write_text(text)
    current_figures.main([*map(str, paths), "--results", str(results)])
    return results.read_text()


def block(text):
    begin = text.index(current_figures.BEGIN) + len(current_figures.BEGIN)
    return text[begin:text.index(current_figures.END)]


def test_replaces_the_given_section_and_keeps_the_others(results, tmp_path):
    before = results.read_text()
    text = run(results, tmp_path, c=section("bench_c", 3), d=section("bench_d", 40))
    sections = current_figures.split_sections(block(text))
    assert list(sections) == ["bench_b", "bench_c", "bench_d"]  # ordered by name
    assert sections["bench_b"] == section("bench_b", 2).strip()
    assert sections["bench_c"] == section("bench_c", 3).strip()
    assert sections["bench_d"] == section("bench_d", 40).strip()
    # Outside the block, nothing changes.
    head = before[:before.index(current_figures.BEGIN)]
    tail = before[before.index(current_figures.END):]
    assert text.startswith(head) and text.endswith(tail)


def test_idempotent(results, tmp_path):
    once = run(results, tmp_path, c=section("bench_c", 3))
    assert run(results, tmp_path, c=section("bench_c", 3)) == once
    assert current_figures.replace_block(once, {}) == once


def test_placeholder_gives_way_to_the_first_section():
    document = (f"# Results\n\n{current_figures.BEGIN}\n{current_figures.PLACEHOLDER}\n"
                f"{current_figures.END}\n\n{HISTORY}")
    assert current_figures.replace_block(document, {}) == document
    updated = current_figures.replace_block(document, {"a.md": section("bench_a", 1)})
    assert current_figures.PLACEHOLDER not in updated
    assert block(updated) == f"\n{section('bench_a', 1).strip()}\n"


def test_refuses_a_file_without_markers(tmp_path):
    path = tmp_path / "RESULTS.md"
    path.write_text(f"# Benchmark results\n\n{HISTORY}")
    with pytest.raises(SystemExit, match="no block of current figures.*current figures: "
                                         "begin"):
        run(path, tmp_path, a=section("bench_a", 1))
    assert path.read_text() == f"# Benchmark results\n\n{HISTORY}"


def test_refuses_a_fragment_without_a_section(results, tmp_path):
    before = results.read_text()
    with pytest.raises(SystemExit, match="has no section"):
        run(results, tmp_path, a="| a |\n| - |\n| 1 |\n")
    assert results.read_text() == before


def test_the_results_file_has_the_block():
    text = Path(current_figures.RESULTS).read_text()
    assert text.index(current_figures.BEGIN) < text.index(current_figures.END)


def test_a_benchmark_fragment_fills_the_block():
    """What ``_common.write_figures`` writes: one section, one table of the headline
    columns (a long one for several sections), which the tool takes."""
    common = load_module("_common", TOOL.parent / "_common.py")
    info = {"date": "2026-12-02T10:00:00+00:00", "command": "python bench_x.py --markdown f",
            "cpu": "a cpu", "cpu count": 2, "threads": "openblas 2",
            "load average (start)": "0.10 0.20 0.30"}
    speed = common.FiguresTable("speed", ["model", "skgen", "torch", "skgen/torch"],
                                [["A", "1,000", "500", "2.00x"]],
                                common.Headline(("skgen", "skgen/torch")))
    quality = common.FiguresTable("quality", ["model", "note", "LL"], [["B", "", "-90.1"]])
    one = common.figures_section([speed], info, name="bench_x")
    assert one.splitlines()[:6] == [
        "### bench_x", "", "- command: `python bench_x.py --markdown f`",
        "- date: 2026-12-02T10:00:00+00:00",
        "- machine: a cpu, 2 cpus; threads openblas 2; load average 0.10 0.20 0.30", ""]
    assert one.splitlines()[6:] == ["| model | skgen | skgen/torch |",
                                    "| ----- | ----: | ----------: |",
                                    "| A     | 1,000 |       2.00x |"]
    both = common.figures_section([speed, quality], info, name="bench_x")
    table = [line for line in both.splitlines() if line.startswith("| ")]
    cells = [[cell.strip() for cell in line.split("|")[1:-1]] for line in table]
    assert cells[0] == ["section", "case", "figure", "value"]
    assert cells[2:] == [["speed", "A", "skgen", "1,000"],
                         ["speed", "A", "skgen/torch", "2.00x"],
                         ["quality", "B", "LL", "-90.1"]]  # the empty note left out
    document = f"# R\n\n{current_figures.BEGIN}\n{current_figures.END}\n"
    updated = current_figures.replace_block(document, {"x.md": both})
    assert block(updated) == f"\n{both.strip()}\n"
