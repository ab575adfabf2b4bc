"""Work that can wait until the page is on its way to the browser.

Inside Voilà the dashboard's cell must end before the page is sent, and the browser then spends
about a second and a half loading Voilà's scripts before it asks the kernel for the widgets.
:meth:`workbench.ui.shell.Page.from_url` builds its page inside :func:`deferred`: the charts
(:class:`workbench.ui.slots.ChartSlot`) and the look for an earlier session's draft (which opens
the store) are queued while the page is built and run on the kernel's event loop as soon as the
cell has ended, while the browser is still loading (issue 7: first chart sooner). A chart asked
for twice while queued is built once, with the later request.

Outside a kernel, and outside :func:`deferred` (tests, a notebook in JupyterLab, every change
after the page is built), :func:`soon` runs the work at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Hashable

log = logging.getLogger(__name__)

#: the queue while a page is built inside :func:`deferred` (key → work, in order)
_queue: dict[Hashable, Callable[[], None]] | None = None


def soon(key: Hashable, work: Callable[[], None]) -> None:
    """Run ``work`` now, or, while a page is built inside :func:`deferred`, once its cell has
    ended (a later call with the same ``key`` replaces the queued work, and goes last)."""
    if _queue is None:
        work()
        return
    _queue.pop(key, None)
    _queue[key] = work


def run(queued: dict[Hashable, Callable[[], None]]) -> None:
    """Run queued work in order; one failure is logged and does not stop the rest."""
    for work in queued.values():
        try:
            work()
        except Exception:  # the page stays up; the log has the trace
            log.exception("deferred page work failed")


@contextmanager
def deferred(loop=None) -> Iterator[None]:
    """Queue :func:`soon` work until the running cell ends (``loop``: the kernel's event loop,
    found when omitted; without one the work runs when the block ends)."""
    global _queue
    if _queue is not None:  # nested: the outer block runs everything
        yield
        return
    if loop is None:
        from workbench.ui.drafts import kernel_loop

        loop = kernel_loop()
    _queue = {}
    try:
        yield
    finally:
        queued, _queue = _queue, None
        if loop is None:
            run(queued)
        elif queued:
            loop.add_callback(run, queued)
