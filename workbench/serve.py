"""Serve the dashboards: ``python -m workbench.serve [--port 8866] [--no-browser]``.

A thin subclass of Voilà that

* reads the project's ``voila.json`` (bind address, kernel pool, idle-kernel culling, the
  websocket message limit that fits the upload limit) wherever it is started from;
* serves ``notebooks/`` in folder mode, so every dashboard has its own URL
  (``/voila/render/01_personas.ipynb``);
* sends ``/`` to the home page instead of Voilà's file tree (the tree stays at ``/voila/tree``).

Any Voilà option can still be given on the command line, e.g. ``--port 9000``.
"""

from __future__ import annotations

import os
from pathlib import Path

import tornado.web
from jupyter_server.utils import url_path_join
from traitlets import default
from voila.app import Voila

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
HOME = "voila/render/00_home.ipynb"


class _HomeRedirect(tornado.web.RequestHandler):
    def initialize(self, target: str) -> None:
        self.target = target

    def get(self) -> None:
        query = self.request.query
        self.redirect(self.target + (f"?{query}" if query else ""))

    head = get


class WorkbenchServer(Voila):
    """Voilà with the workbench's configuration and a home page at ``/``."""

    name = "workbench-serve"

    @default("config_file_paths")
    def _config_file_paths_default(self):
        return [str(ROOT), *super()._config_file_paths_default()]

    @default("root_dir")
    def _default_root_dir(self):
        return str(NOTEBOOKS)

    def initialize(self, argv=None):
        # Folder mode on notebooks/ unless a path was given explicitly.
        argv = list(argv) if argv is not None else None
        super().initialize(argv)
        if not self.notebook_path and not self.extra_args:
            self.root_dir = str(NOTEBOOKS)

    def init_handlers(self) -> list:
        home = url_path_join(self.server_url, HOME)
        redirect = (self.server_url, _HomeRedirect, {"target": home})
        return [redirect, *super().init_handlers()]


main = WorkbenchServer.launch_instance

if __name__ == "__main__":
    os.chdir(ROOT)
    main()
