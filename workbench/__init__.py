"""Planning Workbench."""

#: Environment variable through which :mod:`workbench.serve` tells its kernels where it serves
#: plotly's widget bundle (read by :mod:`workbench.ui.slots`).
STATIC_ENV = "WORKBENCH_STATIC_PATH"
