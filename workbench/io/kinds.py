"""What each kind of data adds once its columns are parsed: a datacube user summary's rows per
source become one row per day, a distribution's levels become the codes of their dimension (and
rows that then fall into one level are merged), and columns the file lacks are derived from the
others (net follows, total cost, open rate, ids, WeChat's platform and account type, shares).

:class:`_KindSteps` is this part of :class:`~workbench.io.build._Builder`, which inherits it;
each step notes what it did in the report."""

from __future__ import annotations

from typing import Any, Callable

import numpy as np
import pandas as pd

from .. import schemas
from ..schemas import Schema
from .aliases import _level_table, _levels, _norm_value
from .headers import _Raw
from .report import LoadReport
from .values import _is_blank_cell, _province, _text_of


class _KindSteps:
    """The kind's own finishing (:meth:`_finish_kind`) and derived columns (:meth:`_derive`)
    of :class:`~workbench.io.build._Builder`."""

    # what the builder holds and does, used here
    raw: _Raw
    report: LoadReport
    sch: Schema
    _drop_blank_required: Callable[[pd.DataFrame], pd.DataFrame]

    def _finish_kind(self, frame: pd.DataFrame, unmapped: dict[str, pd.Series]
                     ) -> pd.DataFrame:
        """Rows as the kind has them: a datacube user summary's rows per day and source
        become one row per day; a distribution's levels become the schema's codes."""
        if self.raw.kind == "daily_users" and "user_source" in unmapped:
            return self._pivot_user_source(frame, unmapped["user_source"])
        if self.raw.kind == "distributions":
            return self._finish_distributions(frame)
        return frame

    def _pivot_user_source(self, frame: pd.DataFrame, source: pd.Series) -> pd.DataFrame:
        """datacube getusersummary: one row per day and user_source → one row per day."""
        table = _levels().get("user_source", {})
        column = source.map(lambda v: table.get(_norm_value(_text_of(v)), "new_from_other")
                            if not _is_blank_cell(v) else None)
        if "date" not in frame.columns:
            return frame
        rows = frame.assign(_t=column.to_numpy())
        how = {c: "sum" for c in ("new_follows", "unfollows") if c in rows.columns}
        if "cumulative_follows" in rows.columns:
            how["cumulative_follows"] = "max"
        by_date = rows.groupby("date", sort=True)
        days = by_date.agg(how) if how else rows.groupby("date").size().to_frame()
        if "new_follows" in rows.columns:
            by_source = rows.dropna(subset=["_t"]).pivot_table(
                index="date", columns="_t", values="new_follows", aggfunc="sum")
            for name in by_source.columns:
                days[name] = by_source[name].reindex(days.index)
        days = days.reset_index()
        first_rows = by_date.head(1).index.to_numpy()
        self.raw.rownums = self.raw.rownums[np.sort(first_rows)][:len(days)]
        for name in days.columns:
            if name != "date":
                days[name] = days[name].astype("Int64")
        self.report.note(
            f"{len(frame)} per-source rows (user_source) combined into {len(days)} days.",
            f"{len(frame)} 行分来源数据（user_source）已合并为 {len(days)} 天。")
        return days

    def _finish_distributions(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Levels mapped to the codes of their dimension, then rows that fall into the same
        level merged."""
        if "dimension" not in frame.columns or "level" not in frame.columns:
            return frame
        frame["level"] = self._distribution_levels(frame)
        return self._merge_same_levels(frame)

    def _distribution_levels(self, frame: pd.DataFrame) -> Any:
        """Each level as the code of its dimension (gender, age band, province); a level
        without a code is kept as exported, and the report lists them."""
        gender = _level_table("gender", schemas.GENDERS)
        ages = _level_table("age_band", schemas.AGE_BANDS)
        kept: list[str] = []
        codes = []
        for dimension, level in zip(frame["dimension"].astype(object).to_numpy(),
                                    frame["level"].astype(object).to_numpy()):
            if level is None or level is pd.NA:
                codes.append(level)
                continue
            key = _norm_value(level)
            if dimension == "gender":
                code = gender.get(key)
            elif dimension == "age":
                code = ages.get(key)
                if code == "":
                    code = "unknown"
            elif dimension == "region":
                code = _province(level)
            else:
                code = None
            if code is None:
                code = str(level).strip()
                if code not in kept:
                    kept.append(code)
            codes.append(code)
        if kept:
            self.report.note(
                f"Levels kept as exported (no matching code): {', '.join(kept[:8])}.",
                f"以下分类没有对应的代码，按原样保留：{'、'.join(kept[:8])}。")
        return pd.array(codes, dtype="string")

    def _merge_same_levels(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Rows of one title and dimension that now have the same level (25-29岁 and 30-34岁 are
        both 25_34): their users added, shares recomputed from the merged users."""
        grouped = frame.assign(_t=_titles(frame))
        group_by = ["_t"] + [c for c in ("dimension", "level") if c in frame.columns]
        if not grouped.duplicated(subset=group_by, keep=False).to_numpy().any():
            return frame
        before = len(frame)
        firsts = ~grouped.duplicated(subset=group_by, keep="first").to_numpy()
        sums = grouped.groupby(group_by, sort=False, observed=True, dropna=False)[
            [c for c in ("users", "share") if c in frame.columns]].sum(min_count=1)
        frame = frame[firsts].reset_index(drop=True)
        self.raw.rownums = self.raw.rownums[firsts]
        idx = pd.MultiIndex.from_frame(grouped[firsts][group_by])
        for name in sums.columns:
            frame[name] = sums[name].reindex(idx).to_numpy()
            if name == "users":
                frame[name] = frame[name].astype("Int64")
        if "users" in frame.columns:  # shares from the merged users (two articles of one
            users = frame["users"].astype("Float64")  # title add up to one, not two)
            total = users.groupby([_titles(frame), frame["dimension"]],
                                  observed=True).transform("sum")
            recomputed = (users / total.where(total > 0)).astype("float64").round(6)
            frame["share"] = recomputed.where(recomputed.notna(), frame.get("share", np.nan))
        self.report.note(
            f"{before - len(frame)} level rows merged into the same band after mapping (their "
            "users added, shares recomputed).",
            f"{before - len(frame)} 行分类映射到同一区间后已合并（人数相加，占比重新计算）。")
        return frame

    def _derive(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Columns the file lacks but its other columns give, each step noted in the report."""
        kind = self.raw.kind
        if kind == "daily_users":
            frame = self._net_follows(frame)
        if kind == "activities" and "cost_total" not in frame.columns:
            frame = self._cost_total(frame)
        if kind == "articles":
            frame = self._open_rate(frame)
            frame = self._generated_ids(frame, "article_id", "A", "文章ID")
        if kind == "followers":
            frame = self._generated_ids(frame, "follower_id", "F", "用户ID")
        frame = self._wechat_defaults(frame)
        if kind == "distributions":
            frame = self._blank_shares(frame)
        return frame

    def _net_follows(self, frame: pd.DataFrame) -> pd.DataFrame:
        """net_follows = new_follows − unfollows when missing; when given and different, the
        report names the rows (kept as exported)."""
        columns = frame.columns
        if "net_follows" not in columns and {"new_follows", "unfollows"} <= set(columns):
            frame["net_follows"] = frame["new_follows"] - frame["unfollows"]
            self.report.note("net_follows computed as new_follows − unfollows.",
                             "净增关注人数按 新关注人数 − 取消关注人数 计算。")
        elif "net_follows" in columns:
            differs = (frame["net_follows"] != frame["new_follows"] - frame["unfollows"]
                       ).fillna(False).to_numpy(bool)
            if differs.any():
                rows = ", ".join(map(str, self.raw.rownums[differs][:5]))
                self.report.note(
                    f"net_follows differs from new − unfollows in {int(differs.sum())} rows "
                    f"(rows {rows}); kept as exported.",
                    f"{int(differs.sum())} 行的净增关注人数与 新关注 − 取消关注 不一致"
                    f"（第 {rows.replace(', ', '、')} 行），按导出值保留。")
        return frame

    def _cost_total(self, frame: pd.DataFrame) -> pd.DataFrame:
        """cost_total as the sum of the cost items; rows where all are blank are dropped."""
        items = [c.name for c in self.sch.columns if c.name.startswith("cost_")
                 and c.name != "cost_total" and c.name in frame.columns]
        frame["cost_total"] = frame[items].sum(axis=1, min_count=1)
        self.report.note(f"cost_total computed as the sum of {', '.join(items)}.",
                         f"总成本按 {'、'.join(self.sch[c].zh for c in items)} 之和计算。")
        if frame["cost_total"].isna().any():
            frame = self._drop_blank_required(frame)
        return frame

    def _open_rate(self, frame: pd.DataFrame) -> pd.DataFrame:
        """open_rate = push_reads ÷ delivered when missing."""
        if "open_rate" in frame.columns or not {"push_reads", "delivered"} <= set(frame.columns):
            return frame
        push_reads = frame["push_reads"].to_numpy(dtype="float64", na_value=np.nan)
        delivered = frame["delivered"].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            frame["open_rate"] = np.where(delivered > 0, push_reads / delivered, np.nan)
        self.report.note("open_rate computed as push_reads ÷ delivered.",
                         "送达阅读率按 公众号消息阅读次数 ÷ 送达人数 计算。")
        return frame

    def _generated_ids(self, frame: pd.DataFrame, column: str, prefix: str, name_zh: str
                       ) -> pd.DataFrame:
        """Ids ``A000001…`` (``prefix`` and the row's number) when the file has none."""
        if column in frame.columns:
            return frame
        n = len(frame)
        frame[column] = _ids(prefix, n)
        self.report.note(f"{column} generated ({prefix}000001…) for {n} rows.",
                         f"已为 {n} 行生成{name_zh}（{prefix}000001…）。")
        return frame

    def _wechat_defaults(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A WeChat backend export says neither platform nor account type: WeChat, and for
        articles a subscription account (订阅号)."""
        if not self.raw.wechat:
            return frame
        n = len(frame)
        if "platform" in self.sch.names and "platform" not in frame.columns:
            frame["platform"] = pd.Categorical(["wechat"] * n,
                                               categories=list(schemas.PLATFORMS))
            self.report.note("No platform column: set to WeChat (a WeChat backend export).",
                             "文件没有平台列：按微信后台导出设为“微信”。")
        if self.raw.kind == "articles" and "account_type" not in frame.columns:
            frame["account_type"] = pd.Categorical(["subscription"] * n,
                                                   categories=list(schemas.ACCOUNT_TYPES))
            self.report.note(
                "No account type column: set to subscription account (WeChat 订阅号 export).",
                "文件没有账号类型列：按订阅号导出设为“订阅号”。")
        return frame

    def _blank_shares(self, frame: pd.DataFrame) -> pd.DataFrame:
        """A distribution's blank shares: users ÷ all users of the title's dimension."""
        columns = frame.columns
        if "users" not in columns or ("share" in columns and not frame["share"].isna().any()):
            return frame
        rows = frame.assign(_t=frame["title"].fillna("") if "title" in columns else "")
        by_dimension = rows.groupby(["_t", "dimension"], observed=True, dropna=False)
        total = by_dimension["users"].transform("sum").to_numpy(dtype="float64", na_value=np.nan)
        users = frame["users"].to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(divide="ignore", invalid="ignore"):
            computed = np.where(total > 0, users / total, np.nan)
        given = frame["share"].to_numpy(dtype="float64") if "share" in columns else computed
        frame["share"] = np.where(np.isnan(given), computed, given)
        self.report.note("share computed as users ÷ all users of the dimension where it was blank.",
                         "占比为空处按 人数 ÷ 该维度总人数 计算。")
        return frame


def _ids(prefix: str, n: int) -> pd.Series:
    return pd.Series(np.arange(1, n + 1)).astype(str).str.zfill(6).radd(prefix).astype("string")


def _titles(frame: pd.DataFrame) -> pd.Series:
    """Each row's article title, ``""`` where there is none (a file without a title column is
    one article's distributions)."""
    if "title" in frame.columns:
        return frame["title"].astype(object).fillna("")
    return pd.Series("", index=frame.index, dtype=object)
