"""The kernel's memory: hand what a big computation freed back to the operating system.

A page's kernel lives for the whole visit (and a pre-heated one before it), so memory a
segmentation or a reader used and freed would count against the machine until the kernel ends.
The pages call :func:`release_memory` after such work (:mod:`workbench.ui.shell` after reading
data, :mod:`workbench.ui.personas` after segmenting).
"""

from __future__ import annotations


def release_memory() -> None:
    """Hand memory that has been freed back to the operating system.

    glibc keeps freed blocks under its mmap threshold (up to 32 MB) in its heaps, one per
    thread that allocated them. A segmentation of 1,000,000 followers left about 260 MB of its
    temporaries there, in every kernel that ran one. Elsewhere than on glibc it does nothing.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)
