"""The link from an estimator's HTML representation to its page of the API reference."""

#: The address of an estimator's API page. The documentation's autosummary writes
#: ``generated/skgen.<name>.html`` for every estimator that ``skgen`` exports; the
#: host is where the built site is published.
DOC_LINK_TEMPLATE = "https://skgen.readthedocs.io/en/latest/generated/skgen.{estimator_name}.html"


class DocumentationLinkMixin:
    """Points the "?" of sklearn's HTML diagram (``_repr_html_``) at skgen's API
    reference rather than scikit-learn's. Place it before ``BaseEstimator``, whose
    own attributes of the same names point at scikit-learn's site."""

    _doc_link_module = "skgen"
    _doc_link_template = DOC_LINK_TEMPLATE
