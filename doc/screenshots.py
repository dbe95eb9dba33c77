"""Screenshots of the built site, to look at: the index and one gallery page.

Build the site first (``python -m sphinx -W --keep-going -b html doc
doc/_build/html``), then run ``python doc/screenshots.py [OUTPUT_DIR]``. It
opens each page in headless Chromium and writes a PNG per page to OUTPUT_DIR
(``doc/_build/screenshots`` by default).
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
HTML = HERE / "_build" / "html"

#: The pages shot, by the name of their PNG.
PAGES = {
    "index": "index.html",
    "gallery_quickstart": "auto_examples/plot_quickstart.html",
    "api_bernoulli_rbm": "generated/skgen.BernoulliRBM.html",
}

#: Flags that keep Chromium headless and off the network.
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars", "--window-size=1280,1600"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("No Chromium found: install it (apt-get install -y chromium).")


def shoot(page, output):
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium(), *FLAGS, f"--user-data-dir={profile}",
                        f"--screenshot={output}", page.as_uri()],
                       check=True, capture_output=True, timeout=120)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", type=Path, default=HERE / "_build" / "screenshots")
    args = parser.parse_args(argv)
    args.output.mkdir(parents=True, exist_ok=True)
    for name, relative in PAGES.items():
        page = HTML / relative
        if not page.exists():
            sys.exit(f"{page} is missing: build the site first.")
        output = args.output / f"{name}.png"
        shoot(page, output)
        print(f"wrote {output}")


if __name__ == "__main__":
    main()
