"""The label catalogues and language selection."""

from __future__ import annotations

import re

import pytest

from workbench import i18n, schemas
from workbench.i18n import CATALOGUES, LANGS, kind_name, language, level, t


def test_catalogues_have_the_same_keys():
    en, zh = CATALOGUES["en"], CATALOGUES["zh"]
    assert set(CATALOGUES) == set(LANGS)
    assert sorted(set(en) - set(zh)) == [], "keys missing in zh"
    assert sorted(set(zh) - set(en)) == [], "keys missing in en"


@pytest.mark.parametrize("lang", LANGS)
def test_no_empty_labels(lang):
    empty = [k for k, v in CATALOGUES[lang].items() if not v.strip()]
    assert empty == []


def test_placeholders_match_between_languages():
    names = lambda s: sorted(set(re.findall(r"{(\w+)}", s)))  # noqa: E731
    for key, text in CATALOGUES["en"].items():
        assert names(text) == names(CATALOGUES["zh"][key]), key


def test_chinese_labels_are_chinese():
    # every zh label carries at least one CJK character (catches copy-pasted English)
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert [k for k, v in CATALOGUES["zh"].items() if not cjk.search(v)] == []


def test_t_formats_and_falls_back_to_english():
    assert t("upload.hint", "en", limit=50) == (
        "CSV, Excel (.xlsx) or TXT, up to 50 MB; bigger files zipped (.zip, .gz).")
    assert "50 MB" in t("upload.hint", "zh", limit=50)
    assert t("home.title", "xx") == CATALOGUES["en"]["home.title"]
    with pytest.raises(KeyError):
        t("no.such.key", "en")


def _level_columns():
    for sch in schemas.SCHEMAS.values():
        for col in sch.columns:
            for code in col.levels:
                yield sch.kind, col.name, code


@pytest.mark.parametrize("lang", LANGS)
def test_every_schema_level_has_a_display_name(lang):
    missing = [
        (kind, column, code)
        for kind, column, code in _level_columns()
        if level(column, code, lang) == code or not level(column, code, lang).strip()
    ]
    assert missing == []


def test_level_names_have_no_stray_codes():
    # every code in LEVEL_NAMES exists in the schemas (no typos that never match)
    schema_codes = {(c, code) for _, c, code in _level_columns()}
    for column, names in i18n.LEVEL_NAMES.items():
        for code in names:
            assert (column, code) in schema_codes, (column, code)


@pytest.mark.parametrize(
    ("column", "code", "lang", "expected"),
    [
        ("city_tier", "tier1", "zh", "一线"),
        ("city_tier", "new_tier1", "zh", "新一线"),
        ("city_tier", "tier3_plus", "zh", "三线及以下"),
        ("age_band", "18_24", "en", "18–24"),
        ("platform", "bilibili", "zh", "B站"),
        ("platform", "toutiao", "zh", "今日头条"),
        ("content_type", "educational", "zh", "干货"),
        ("content_type", "event_report", "zh", "活动报道"),
        ("account_type", "subscription", "zh", "订阅号"),
        ("age", "over_50", "zh", "50岁以上"),  # the distributions table's name for age bands
        ("gender", "female", "en", "Female"),
    ],
)
def test_known_level_names(column, code, lang, expected):
    assert level(column, code, lang) == expected


def test_unknown_level_shows_the_code():
    assert level("platform", "myspace", "zh") == "myspace"
    assert level("nonsense", "x", "en") == "x"


@pytest.mark.parametrize("lang", LANGS)
def test_every_kind_has_a_name(lang):
    for kind in schemas.KINDS:
        assert kind_name(kind, lang) != kind


@pytest.fixture
def clean_env(monkeypatch):
    for var in ("WORKBENCH_LANG", "QUERY_STRING", "VOILA_PREHEAT"):
        monkeypatch.delenv(var, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("lang=zh", "zh"),
        ("lang=zh&x=1", "zh"),
        ("x=1&lang=zh", "zh"),
        ("?lang=zh", "zh"),
        ("lang=zh-CN", "zh"),
        ("lang=ZH_cn", "zh"),
        ("lang=en", "en"),
        ("lang=xx", "en"),
        ("lang=", "en"),
        ("", "en"),
    ],
)
def test_language_from_query(clean_env, query, expected):
    assert language(query) == expected


def test_language_reads_the_voila_query_string(clean_env):
    clean_env.setenv("QUERY_STRING", "lang=zh&x=1")
    assert language() == "zh"


def test_language_env_fallback(clean_env):
    clean_env.setenv("WORKBENCH_LANG", "zh")
    assert language() == "zh"
    assert language("x=1") == "zh"
    assert language("lang=xx") == "zh"  # an unknown value is ignored, the next source decides
    assert language("lang=en") == "en"  # the URL wins over the environment
    clean_env.setenv("WORKBENCH_LANG", "fr")
    assert language() == "en"


def test_language_never_waits_for_a_visit(clean_env):
    """A pre-heated kernel learns its visitor's URL only when
    :func:`workbench.runtime.voila.query_string` waits for it (``Page.from_url`` does); until
    then ``language()`` answers at once, from what the environment already holds."""
    from workbench.runtime import voila

    def wait():
        raise AssertionError("language() waited for the visit")

    clean_env.setenv("VOILA_PREHEAT", "True")
    clean_env.setattr(voila, "_request_seen", False)
    clean_env.setattr(voila, "_wait_for_request", wait)
    assert voila.request_pending()
    assert language() == "en"
    clean_env.setenv("WORKBENCH_LANG", "zh")
    assert language() == "zh" and language("lang=en") == "en"
    assert voila.request_pending()  # nobody has waited: the visit is still to come
