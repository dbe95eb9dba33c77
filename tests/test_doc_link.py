"""Every public estimator's HTML representation links to its page of skgen's API
reference, the page that the documentation's autosummary writes for it."""

import pytest

import skgen
from skgen.utils.discovery import all_estimators

ESTIMATORS = dict(all_estimators())


@pytest.mark.parametrize("name", sorted(ESTIMATORS))
def test_html_repr_links_to_the_api_page(name):
    html = ESTIMATORS[name]()._repr_html_()
    page = f"https://skgen.readthedocs.io/en/latest/generated/skgen.{name}.html"
    assert f'href="{page}"' in html
    assert 'href="https://scikit-learn.org' not in html


def test_every_linked_estimator_is_exported_where_the_link_says():
    # The link names skgen.<name>: the API reference documents each estimator there.
    assert sorted(ESTIMATORS) == sorted(name for name in skgen.__all__ if name in ESTIMATORS)
    for name, Estimator in ESTIMATORS.items():
        assert getattr(skgen, name) is Estimator


def test_the_project_urls_point_at_the_same_documentation():
    # pyproject's [project.urls] and the HTML links name one published site.
    import re
    from pathlib import Path

    from skgen.utils._doc_link import DOC_LINK_TEMPLATE

    pyproject = Path(skgen.__file__).resolve().parents[1] / "pyproject.toml"
    if not pyproject.exists():
        pytest.skip("an installed skgen, without its pyproject.toml")
    urls = pyproject.read_text().split("[project.urls]", 1)[1].split("\n[", 1)[0]
    documentation = re.search(r'^Documentation = "([^"]+)"', urls, re.M).group(1)
    assert DOC_LINK_TEMPLATE.startswith(documentation)
    assert "generated/skgen.{estimator_name}.html" in DOC_LINK_TEMPLATE
