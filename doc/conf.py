"""Sphinx configuration of skgen's documentation.

Build it from the repository's root with
``python -m sphinx -W --keep-going -b html doc doc/_build/html``.
"""

import os
import re
import sys
import warnings

import skgen

# The examples import skgen from the checkout when it is not installed.
sys.path.insert(0, os.path.abspath(".."))

project = "skgen"
author = "the skgen developers"
copyright = "the skgen developers"
version = release = skgen.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store"]
default_role = "literal"

# API reference: one page per estimator and function, under generated/, which is
# also where an estimator's HTML diagram links to (skgen/utils/_doc_link.py).
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
# sklearn's inherited docstrings and ours cite and cross-reference names that this
# site does not document (numpy, scipy, sklearn); they render as code.
numpydoc_xref_param_type = False

html_theme = "pydata_sphinx_theme"
html_title = f"skgen {release}"
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_static_path = []
html_show_sourcelink = False

sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    # The DBN and DBM examples take minutes of their own on two cores: the
    # gallery shows their code and text, and they run as scripts.
    "filename_pattern": r"/plot_(?!dbm_mnist|dbn_generation)",
    "image_scrapers": ("matplotlib",),
    "matplotlib_animations": False,
    "abort_on_example_error": True,
    "download_all_examples": False,
    "doc_module": ("skgen",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skgen": None},
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
}

# The examples train for a few passes only, and say so.
warnings.filterwarnings("ignore", category=UserWarning,
                        message="Matplotlib is currently using agg")

# scikit-learn's docstrings, which the estimators inherit (get_params,
# set_output, ...) and partly copy (n_features_in_), point at its glossary and
# user guide with :term: and :ref:. This site has neither: show their text.
_SKLEARN_ROLE = re.compile(r":(?:term|ref):`([^`<]*?)\s*(?:<([^`>]*)>)?`")


def _role_text(match):
    text, target = match.group(1).strip(), match.group(2)
    return f"*{text}*" if text else f"*{target.replace('_', ' ')}*"


def _plain_sklearn_roles(app, what, name, obj, options, lines):
    text = _SKLEARN_ROLE.sub(_role_text, "\n".join(lines))
    lines[:] = text.split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", _plain_sklearn_roles)
