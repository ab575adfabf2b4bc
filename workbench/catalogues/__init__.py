"""Label catalogues of single pages, merged into :data:`workbench.i18n.CATALOGUES`.

A module here defines ``EN`` and ``ZH``: dicts with the same keys (``page.key``), merged by
:mod:`workbench.i18n` at import. Keys must not clash with the main catalogue or each other.
"""

PAGES = ("review",)
