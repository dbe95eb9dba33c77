"""Copy benchmarks' current figures into the block at the top of RESULTS.md.

A benchmark run with ``--markdown FILE`` writes its current figures to FILE: a
Markdown section headed ``### <benchmark>``. This script puts such sections
between the two marker comments of RESULTS.md, one per benchmark, ordered by
name. A section given replaces the one of the same name; the sections of
benchmarks not given this time stay, so benchmarks can be re-run one at a time::

    python benchmarks/bench_rbm.py --markdown /tmp/rbm.md
    python benchmarks/current_figures.py /tmp/rbm.md

It needs nothing beyond the standard library, and leaves the rest of the file,
the dated history, as it is.
"""

import argparse
import os
import sys

BEGIN = "<!-- current figures: begin -->"
END = "<!-- current figures: end -->"

#: What the block holds while no benchmark has written its figures into it.
PLACEHOLDER = ("No benchmark has been re-run with `--markdown FILE` since this block was "
               "added; the dated history below holds the latest figures.")

#: A section starts at a heading of this level; its text is the benchmark's name.
HEADING = "### "

RESULTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "RESULTS.md")


def split_sections(text):
    """The sections of ``text``, as a dict of benchmark name to section text.

    A section runs from a ``### name`` line to the next one; anything before the
    first (the placeholder, say) is dropped.
    """
    sections = {}
    name = None
    for line in text.splitlines():
        if line.startswith(HEADING):
            name = line[len(HEADING):].strip()
            sections[name] = []
        if name is not None:
            sections[name].append(line)
    return {name: "\n".join(lines).strip() for name, lines in sections.items()}


def replace_block(document, fragments):
    """``document`` with the sections of ``fragments`` in its block.

    Parameters
    ----------
    document : str
        The text of RESULTS.md.
    fragments : dict of str to str
        The text of each fragment, by where it comes from (its file).

    Raises
    ------
    ValueError
        When the document lacks the markers, or a fragment has no section.
    """
    begin, end = document.find(BEGIN), document.find(END)
    if begin < 0 or end < begin:
        raise ValueError(f"no block of current figures: the file needs a line {BEGIN!r} "
                         f"and, after it, a line {END!r}")
    sections = split_sections(document[begin + len(BEGIN):end])
    for source, fragment in fragments.items():
        given = split_sections(fragment)
        if not given:
            raise ValueError(f"{source} has no section: its first line should be "
                             f"'{HEADING}<benchmark>'")
        sections.update(given)
    body = "\n\n".join(sections[name] for name in sorted(sections)) or PLACEHOLDER
    return f"{document[:begin]}{BEGIN}\n{body}\n{END}{document[end + len(END):]}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("fragments", nargs="+", metavar="FRAGMENT",
                        help="files written by a benchmark's --markdown FILE")
    parser.add_argument("--results", default=RESULTS,
                        help="the file to update (default: benchmarks/RESULTS.md)")
    args = parser.parse_args(argv)
    fragments = {}
    for path in args.fragments:
        with open(path) as handle:
            fragments[path] = handle.read()
    with open(args.results) as handle:
        document = handle.read()
    try:
        updated = replace_block(document, fragments)
    except ValueError as error:
        sys.exit(f"current_figures.py: {args.results}: {error}")
    with open(args.results, "w") as handle:
        handle.write(updated)
    names = sorted(name for text in fragments.values() for name in split_sections(text))
    print(f"{args.results}: current figures of {', '.join(names)}")


if __name__ == "__main__":
    main()
