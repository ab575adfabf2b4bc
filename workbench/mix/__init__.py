"""Content mix (内容配比): what to publish where, how often, and when.

Three steps, three functions:

* :func:`estimate` learns from the articles history what one post of each (platform, content
  type) brings — reads, engagement, shares, follows after reading, conversions — with an 80 %
  interval, how much the headline slot, the weekday and the hour matter, and how fast the n-th
  post of the same type in one week wears out (diminishing returns).
* :func:`plan` chooses integer posts per week for every (platform, type) cell with a
  mixed-integer programme (``scipy.optimize.milp``, HiGHS) under the team's :class:`Constraints`
  and explains in English and Chinese what conflicts when no plan meets every rule.
* :meth:`MixPlan.calendar` puts the weekly plan on dates, times and WeChat push slots, marks
  Chinese public holidays and shopping festivals, tracks each item's review status and exports
  CSV and iCalendar (``.ics``). :func:`frontier` re-solves over the weight between two goals.

Where things are
----------------
* :mod:`~workbench.mix.estimates`: :func:`estimate` and :class:`Estimates`, how the estimates
  work; :mod:`~workbench.mix.history` reads the articles (which posts are usable),
  :mod:`~workbench.mix.shrinkage` is the empirical Bayes they shrink with.
* :mod:`~workbench.mix.rules`: :class:`Constraints`, :class:`PersonaTarget`,
  :func:`persona_targets` and the defaults (hours, costs, cadence, pushes).
* :mod:`~workbench.mix.solver`: the mixed-integer programme and how it is solved.
* :mod:`~workbench.mix.conflicts`: :class:`Conflict`, why no plan meets every rule.
* :mod:`~workbench.mix.planner`: :func:`plan`, :func:`frontier` and :class:`MixPlan`.
* :mod:`~workbench.mix.calendar`: :class:`Calendar` and :class:`CalendarItem`, review statuses,
  CSV and iCalendar export; :mod:`~workbench.mix.placement` puts a plan on dates.
* :mod:`workbench.festivals`: holidays and festivals (:class:`DayMark`, :func:`day_marks`,
  :func:`qixi`), shared with the campaign review and the sample data.

Examples
--------
>>> from workbench import io, mix
>>> est = mix.estimate(io.sample("articles"))                       # doctest: +SKIP
>>> p = mix.plan(est, mix.Constraints(team_hours=50))               # doctest: +SKIP
>>> p.posts.loc["wechat"].sum(), p.status                           # doctest: +SKIP
(3, 'optimal')
>>> cal = p.calendar("2026-03-02", weeks=4)                         # doctest: +SKIP
>>> ics = cal.to_ics()                                              # doctest: +SKIP
"""

from __future__ import annotations

from .. import i18n as i18n, schemas as schemas  # mix.schemas: read by tests
from ..festivals import DayMark, day_marks, qixi
from .calendar import STATUSES, Calendar, CalendarItem, refused_steps
from .common import ARTICLES_PER_PUSH, METRICS
from .conflicts import GROUPS, Conflict
from .estimates import (
    ASSUMED_DECAY, CONVERSION_PER_FOLLOW, MAX_SE_LOG, MIN_HISTORY, Estimates, estimate,
)
from .history import MAX_COUNT
from .planner import MixPlan, frontier, persona_effect, plan
from .rules import (
    ACCOUNT_TYPES, CADENCE, DEFAULT_COST, DEFAULT_HOURS, INTEREST_TYPES, MAX_COST_PER_POST,
    MAX_HOURS_PER_POST, MAX_POSTS_PER_WEEK, MIN_HOURS_PER_POST, PLATFORM_COST, PLATFORM_EFFORT,
    PUSHES_PER_WEEK, Constraints, PersonaTarget, persona_targets,
)

# Names outside __all__ that mix.py had, kept where callers found them (``X as X`` marks a
# re-export): the other documented constants, and the solver's internals that the brute-force
# check in tests/mix/test_mix.py reaches for.
from .common import POSITIONED as POSITIONED, TIMEZONE as TIMEZONE
from .estimates import (
    DECAY_FLOOR as DECAY_FLOOR, MIN_DECAY_PAIRS as MIN_DECAY_PAIRS,
    MIN_SLOT_POSTS as MIN_SLOT_POSTS,
)
from .history import ENGAGEMENT_PARTS as ENGAGEMENT_PARTS
from .placement import DEFAULT_POST_HOURS as DEFAULT_POST_HOURS
from .solver import (
    _Problem as _Problem, _problem as _problem, _solve as _solve, _totals as _totals,
    _weights as _weights,
)

__all__ = [
    "ACCOUNT_TYPES", "ARTICLES_PER_PUSH", "ASSUMED_DECAY", "CADENCE", "CONVERSION_PER_FOLLOW",
    "Calendar", "CalendarItem", "Conflict", "Constraints", "DEFAULT_COST", "DEFAULT_HOURS",
    "DayMark", "Estimates", "GROUPS", "METRICS", "MIN_HISTORY", "MixPlan", "PLATFORM_COST",
    "PLATFORM_EFFORT",
    "INTEREST_TYPES", "MAX_COST_PER_POST", "MAX_COUNT", "MAX_HOURS_PER_POST",
    "MAX_POSTS_PER_WEEK", "MAX_SE_LOG", "MIN_HOURS_PER_POST", "PUSHES_PER_WEEK", "PersonaTarget",
    "STATUSES", "day_marks", "estimate",
    "frontier", "persona_effect", "persona_targets",
    "plan", "qixi", "refused_steps",
]
