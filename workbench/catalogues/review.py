"""Labels of the campaign-review page and its charts and report (English and Chinese)."""

EN: dict[str, str] = {}
ZH: dict[str, str] = {}
