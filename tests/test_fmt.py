"""One home for numbers on screen (issue 20): counts in 万 and 亿 in Chinese, money, percentages,
percentage points, multiples; missing values as a dash, negatives with a true minus."""

from __future__ import annotations

import doctest

import numpy as np
import pandas as pd
import pytest

from workbench import fmt


def test_the_examples_in_the_module_hold():
    failed, tried = doctest.testmod(fmt)
    assert tried >= 10 and failed == 0


@pytest.mark.parametrize(("value", "lang", "expected"), [
    (1289734, "zh", "128.97万"), (1289734, "en", "1,289,734"), (99_999, "zh", "99,999"),
    (100_000, "zh", "10.00万"), (123_456_789, "zh", "1.23亿"), (-250_000, "zh", "−25.00万"),
    (0.4, "en", "0"), (-0.4, "en", "0"),
])
def test_counts(value, lang, expected):
    assert fmt.count(value, lang) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), float("inf"), np.nan, pd.NA, "x"])
def test_missing_values_are_a_dash_everywhere(missing):
    for show in (fmt.count, fmt.number, fmt.money, fmt.pct, fmt.pp, fmt.times, fmt.signed):
        assert show(missing) == fmt.DASH


def test_rates_and_their_differences():
    assert fmt.pct(0.125) == "12.5%" and fmt.pct(0.125, 0) == "12%"
    assert fmt.pct(-0.0004) == "0.0%" and fmt.pct(-0.0) == "0.0%" and fmt.pct(-0.001, 0) == "0%"
    assert fmt.pp(0.0123 - 0.0100) == "+0.23 pp" and fmt.pp(-0.0023, lang="zh") == "−0.23 个百分点"
    assert fmt.pp(1e-6) == "0.00 pp"


def test_money_in_both_languages():
    assert fmt.money(401576) == "¥401,576" and fmt.money(401576, "zh") == "¥40.16万"
    assert fmt.money(-8.94) == "−¥8.94" and fmt.money(0.004) == "¥0.00"
