"""Planning Workbench: a team's data, personas, content mix, activity ROI and campaign review.

The public API (``from workbench import io, personas, mix, roi, review, store``) is the
subpackages themselves; see DESIGN.md. This module imports nothing, so a kernel loads only the
parts its page uses.
"""
