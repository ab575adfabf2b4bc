"""The kernel's event loop: where work that must run later, on the widgets' thread, goes.

A page's kernel runs one tornado event loop; a widget may be changed only from its thread.
:func:`kernel_loop` finds it: :mod:`workbench.ui.soon` runs a page's charts on it once the
notebook's cell has ended, :mod:`workbench.ui.drafts` writes drafts on it a few seconds after a
change, and :mod:`workbench.ui.personas` hands a worker thread's segmentation back to it.
Outside a kernel (a script, a test) there is none, and the callers run the work at once.
"""

from __future__ import annotations


def kernel_loop():
    """The running IPython kernel's event loop, or ``None`` outside a kernel."""
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:  # pragma: no cover - ipykernel is a dependency
        return None
    if not IPKernelApp.initialized():
        return None
    kernel = getattr(IPKernelApp.instance(), "kernel", None)
    return getattr(kernel, "io_loop", None)
