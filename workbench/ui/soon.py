"""Work that can wait until the page is on its way to the browser.

Inside Voilà the dashboard's cell must end before the page is sent, and the browser then spends
a few hundred milliseconds starting the page's scripts before it asks the kernel for the widgets.
:meth:`workbench.ui.shell.Page.from_url` builds its page inside :func:`deferred`: the charts
(:class:`workbench.ui.slots.ChartSlot`) and the look for an earlier session's draft (which opens
the store) are queued while the page is built and run on the kernel's event loop as soon as the
cell has ended, while the browser is still loading (issue 7: first chart sooner). A chart asked
for twice while queued is built once, with the later request.

Outside a kernel, and outside :func:`deferred` (tests, a notebook in JupyterLab, every change
after the page is built), :func:`soon` runs the work at once.

:func:`after` lets the chart a control is watched on reach the browser alone: the rest of a
redraw runs a moment later, once plotly.js has drawn that chart (each chart's message is
otherwise queued behind the others' in the browser).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Hashable

from workbench.runtime.loop import kernel_loop

log = logging.getLogger(__name__)

#: the queue while a page is built inside :func:`deferred` (key → work, in order)
_queue: dict[Hashable, Callable[[], None]] | None = None
#: work waiting for :func:`after` (key → the event loop's handle)
_waiting: dict[Hashable, object] = {}
#: seconds :func:`after` waits: longer than plotly.js takes to draw a page's busiest chart here
AFTER = 0.06


def soon(key: Hashable, work: Callable[[], None]) -> None:
    """Run ``work`` now, or, while a page is built inside :func:`deferred`, once its cell has
    ended (a later call with the same ``key`` replaces the queued work, and goes last)."""
    if _queue is None:
        work()
        return
    _queue.pop(key, None)
    _queue[key] = work


def after(key: Hashable, work: Callable[[], None], delay: float = AFTER) -> None:
    """Run ``work`` ``delay`` seconds from now on the kernel's event loop; a later call with the
    same ``key`` replaces it. Outside a kernel, or while a page is built inside
    :func:`deferred`, it is :func:`soon`. Call it on the kernel's thread, as every widget
    change is made."""
    loop = kernel_loop() if _queue is None else None
    if loop is None:
        soon(key, work)
        return
    handle = _waiting.pop(key, None)
    if handle is not None:
        loop.remove_timeout(handle)

    def due() -> None:
        _waiting.pop(key, None)
        run({key: work})

    _waiting[key] = loop.call_later(delay, due)


def run_now(which: Callable[[Hashable], bool], rounds: int = 10) -> None:
    """Run the queued work whose key ``which`` accepts now, in order, and then what that work
    queued in turn (a redraw queues its charts), for at most ``rounds`` rounds; the rest stays
    queued. Outside :func:`deferred` there is nothing queued."""
    for _ in range(rounds):
        due = {key: work for key, work in (_queue or {}).items() if which(key)}
        if not due:
            return
        for key in due:
            del _queue[key]
        run(due)


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
