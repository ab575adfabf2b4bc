"""Planning Workbench."""


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
