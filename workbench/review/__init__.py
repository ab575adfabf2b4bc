"""Campaign review (数据复盘): a package being cut by concept; for now everything is in
:mod:`workbench.review.campaign`."""

from .campaign import *  # noqa: F401,F403
from .campaign import __all__, _attainment, _status  # noqa: F401
