"""The Voilà request a page's kernel serves: the page's query string, and the wait of a
pre-heated kernel for its visitor.

Voilà puts the page request's variables (``QUERY_STRING``, ``SERVER_NAME`` …) into the kernel's
environment. A pre-heated kernel (``preheat_kernel`` in voila.json) starts, and runs its
notebook, before anyone asks for the page: it learns its visitor's request only when the visit
comes, over a websocket to Voilà's server (:func:`_wait_for_request`).
:meth:`workbench.ui.shell.Page.from_url` builds the page first, in the default language, and
then waits for the visit here (:func:`query_string`); everything else reads the language from
a query string already known (:func:`workbench.i18n.language`) and never waits.
"""

from __future__ import annotations

import logging
import os
import re

#: a pre-heated kernel has had its visitor's request (later calls do not wait again)
_request_seen = False


def request_pending() -> bool:
    """Whether this is a pre-heated Voilà kernel no visitor has asked for yet (its page's URL,
    and so its ``?lang=``, is not known until :func:`query_string` has waited for the
    request)."""
    return os.environ.get("VOILA_PREHEAT", "False") == "True" and not _request_seen


def query_string() -> str | None:
    """The page's query string inside a Voilà kernel, ``None`` elsewhere.

    Voilà puts the query string into the kernel's ``QUERY_STRING`` variable. A pre-heated
    kernel (``preheat_kernel`` in voila.json) starts before anyone asks for the page, so there
    the first call waits until the request arrives (:func:`_wait_for_request`); the answer
    lands in the environment, so later calls in the same kernel do not wait again.
    """
    global _request_seen
    if request_pending():
        _wait_for_request()
        _request_seen = True
    return os.environ.get("QUERY_STRING")


def _wait_for_request() -> None:
    """Wait until Voilà gives this pre-heated kernel its visitor, and put the request's
    variables (``QUERY_STRING``, ``SERVER_NAME`` …) into the environment.

    What ``voila.utils.wait_for_request`` does (Voilà's server sends them as JSON over a
    websocket at ``voila/query/<kernel id>``), without importing ``voila.utils``: that imports
    jupyter_server and jupyterlab_server, 67 MB in every pooled kernel. tornado is already
    loaded by the kernel. The kernel's own event loop is busy running this cell, so the wait
    runs in a thread, as Voilà's does.
    """
    import asyncio
    import json
    import threading

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    env = os.environ
    base = env.get("VOILA_WS_BASE_URL", env.get("VOILA_SERVER_URL", "/"))
    url = (f"{env.get('VOILA_WS_PROTOCOL', 'ws')}://{env.get('VOILA_APP_IP', '127.0.0.1')}:"
           f"{env.get('VOILA_APP_PORT', '8866')}{base}voila/query/"
           f"{env.get('VOILA_KERNEL_ID', '')}")
    # a team server wants its token here too (workbench.serve gives it to its kernels); a
    # person's server on JupyterHub takes its own API token, which its kernels inherit
    token = env.get("WORKBENCH_TOKEN", "") or env.get("JUPYTERHUB_API_TOKEN", "")
    headers = {"Authorization": f"token {token}"} if token else {}
    received: list[str | None] = []

    async def receive() -> None:
        request = HTTPRequest(url, headers=headers, connect_timeout=5)
        connection = await websocket_connect(request)
        received.append(await connection.read_message())
        connection.close()

    def wait() -> None:
        try:
            asyncio.run(receive())
        except Exception:  # the page still builds, in the default language
            logging.getLogger(__name__).warning("no request from Voilà at %s", url,
                                                exc_info=True)

    thread = threading.Thread(target=wait, name="workbench-wait-for-request")
    thread.start()
    thread.join()
    if received and received[0]:
        for key, value in json.loads(received[0]).items():
            os.environ[key] = str(value)


#: The cookie that tells one browser (profile) from another, and the request header the server
#: copies it into for the page's kernel (Voilà's ``http_header_envs``: the kernel sees it as
#: ``HTTP_X_WORKBENCH_BROWSER``). Drafts belong to the person and the page: without a login of
#: its own, a browser profile is the person (workbench.ui.drafts).
BROWSER_COOKIE = "wb_browser"
BROWSER_HEADER = "X-Workbench-Browser"
_BROWSER_ENV = "HTTP_X_WORKBENCH_BROWSER"
BROWSER_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def browser_id() -> str | None:
    """The visiting browser's id inside a page's kernel (after the visit arrived: see
    :func:`query_string`), ``None`` outside the workbench's server or for a malformed one."""
    value = os.environ.get(_BROWSER_ENV, "").strip()
    return value if BROWSER_ID.fullmatch(value) else None
