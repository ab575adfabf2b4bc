"""The labels, one catalogue a page plus the labels they share, merged into
:data:`workbench.i18n.CATALOGUES` at import.

A module here defines ``EN`` and ``ZH``: dicts with the same keys (``page.key``). A key lives in
exactly one of them (:mod:`workbench.i18n` refuses a key defined twice).
"""

PAGES = ("shared", "scenarios", "home", "personas", "mix", "roi", "review", "data")
