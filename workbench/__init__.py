"""Planning Workbench."""
