"""The runtime: what the pages need from the kernel, Voilà, the browser and the machine.

* :mod:`workbench.runtime.loop`: the kernel's event loop (work that runs later, on the
  widgets' thread).
* :mod:`workbench.runtime.voila`: the Voilà request a kernel serves (the page's query string,
  and the wait of a pre-heated kernel for its visitor).
* :mod:`workbench.runtime.assets`: the pages' static files, the plotly.js they load and the
  URLs that name a file's content.
* :mod:`workbench.runtime.memory`: handing freed memory back to the operating system.
* :mod:`workbench.runtime.chromium`: the Chromium that prints reports and runs browser tests.
* :mod:`workbench.runtime.access`: who the server answers (the ``Host`` rule, the token).

:mod:`workbench.serve` (the server) is the runtime's other half. The runtime knows no model and
no page. Import its modules by name: this package imports nothing, so a kernel pays only for
what it uses (:mod:`workbench.runtime.access` loads jupyter_server, which a page's kernel never
needs).
"""
