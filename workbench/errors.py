"""Errors a planner can act on, in both languages.

Models and loaders raise :class:`InputError` (a :class:`ValueError`) when an input or a choice
cannot be used; dashboards show ``err.message(lang)`` next to the control and keep the last good
result. :class:`workbench.io.DataError` is the loader's kind of it, which also says where in the
file the problem is. :class:`workbench.store.StoreError` (the scenario store cannot be used) is
:class:`Bilingual` too, and shown the same way (:func:`message`, :func:`inline`).

>>> err = InputError("k must be at most the number of followers (3).",
...                  "人设数 k 不能超过粉丝人数（3）。",
...                  fix="Choose a smaller k.", fix_zh="请选择更小的 k。")
>>> err.message("zh")
'人设数 k 不能超过粉丝人数（3）。 解决办法：请选择更小的 k。'
"""

from __future__ import annotations


class Bilingual:
    """An error whose text exists in English and Chinese (``en``, ``zh``)."""

    en: str
    zh: str

    def message(self, lang: str = "en") -> str:
        """The full message in ``lang`` (``"en"`` or ``"zh"``)."""
        return self.zh if str(lang).lower().startswith("zh") else self.en


class InputError(Bilingual, ValueError):
    """An input or choice the workbench cannot use, explained so a planner can fix it.

    Attributes
    ----------
    en, zh : the full message (what is wrong, then the fix) in English and Chinese.
    problem, problem_zh : what is wrong.
    fix, fix_zh : what to do about it (may be empty).

    ``str(err)`` is the English message, a newline, then the Chinese one.
    """

    def __init__(self, problem: str, problem_zh: str, *, fix: str = "", fix_zh: str = "") -> None:
        self.problem, self.problem_zh = problem, problem_zh
        self.fix, self.fix_zh = fix, fix_zh
        self.en = self._compose_en()
        self.zh = self._compose_zh()
        super().__init__(f"{self.en}\n{self.zh}")

    def _compose_en(self) -> str:
        return f"{self.problem} Fix: {self.fix}" if self.fix else self.problem

    def _compose_zh(self) -> str:
        return f"{self.problem_zh} 解决办法：{self.fix_zh}" if self.fix_zh else self.problem_zh


def message(err: BaseException, lang: str = "en") -> str:
    """What to show a user for ``err``: its message in ``lang`` when it has one, else its text."""
    if isinstance(err, Bilingual):
        return err.message(lang)
    return str(err)


def inline(err: BaseException, lang: str = "en") -> str:
    """:func:`message` for a catalogue text that ends the sentence itself (``"Could not save:
    {error}. Nothing was lost…"``): without its own final full stop."""
    return message(err, lang).rstrip().rstrip(".。")


def not_a_table(kind: str) -> InputError:
    """The error for a ``kind`` of data (``"articles"``, ...) that is not a table at all."""
    from workbench.i18n import kind_name

    return InputError(f"The {kind_name(kind, 'en')} must be a table (a pandas DataFrame).",
                      f"{kind_name(kind, 'zh')}必须是数据表（DataFrame）。",
                      fix=f"Load it with workbench.io.load(path, kind='{kind}').",
                      fix_zh=f"请用 workbench.io.load(路径, kind='{kind}') 导入。")


def missing_columns(kind: str, missing) -> InputError:
    """The error for a table of ``kind`` that lacks the columns ``missing``."""
    from workbench.i18n import kind_name

    return InputError(f"The {kind_name(kind, 'en')} lack the column(s) {', '.join(missing)}.",
                      f"{kind_name(kind, 'zh')}缺少列：{'、'.join(missing)}。",
                      fix=f"Load the file with workbench.io.load(path, kind='{kind}'), which maps "
                          "export headers to these names.",
                      fix_zh=f"请用 workbench.io.load(路径, kind='{kind}') 导入，"
                             "它会识别导出文件的表头。")


def require_columns(frame, kind: str, needed) -> None:
    """Raise :func:`not_a_table` / :func:`missing_columns` unless ``frame`` is a DataFrame with
    every column of ``needed``."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        raise not_a_table(kind)
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise missing_columns(kind, missing)
