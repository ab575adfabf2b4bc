"""Who the server answers: the ``Host`` rule against DNS rebinding, and the team's token on
every handler.

:class:`workbench.serve.WorkbenchServer` routes every handler through :func:`guarded`: Voilà's
pages, API and file handlers, the kernel websocket, jupyter_server's login page and the
workbench's own files. Each then runs jupyter_server's ``JupyterHandler.prepare`` before it
answers: the ``Host`` check first, then the login.

* **Host.** A web page elsewhere can point a name it owns at 127.0.0.1 (DNS rebinding) and
  then read and drive the dashboards as if they were its own; its requests carry that name in
  their ``Host`` header. The server answers a request only when its ``Host`` names this server
  (:func:`host_allowed`): a loopback address or ``localhost`` (jupyter_server's own rule when
  remote access is off), the address the server listens on, and the host names the team
  configured (:data:`ALLOWED_HOSTS_ENV`, a reverse proxy's). Voilà had turned jupyter_server's
  check off (``allow_remote_access=True``), and serves its files with plain tornado handlers,
  which never had one.
* **Token.** With a token (``--team``) every request needs it, or the login cookie it set,
  except the login page and the files that page shows (:data:`LOGIN_FILES`). jupyter_server's
  file handlers serve anyone (for its login page) and Voilà's are plain tornado ones, so the
  dashboards' scripts and styles, Voilà's files and the images under ``notebooks/`` were
  open to anyone who could reach the port. Without a token (``make run`` on 127.0.0.1) every
  visitor is jupyter_server's anonymous user, as before.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Collection, Iterable

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.utils import url_path_join
from tornado.httputil import split_host_and_port
from tornado.web import RequestHandler
from tornado.websocket import WebSocketHandler

#: Environment variable: host names, comma-separated, that the server answers to besides its
#: own address and loopback (a reverse proxy's); ``--allowed-host`` on the command line.
ALLOWED_HOSTS_ENV = "WORKBENCH_ALLOWED_HOSTS"
#: The tornado setting holding the names :func:`host_allowed` accepts (:func:`accepted_hosts`).
HOSTS_SETTING = "workbench_hosts"
#: The files under ``/voila/static/`` that jupyter_server's login page shows
#: (``templates/page.html``): the only ones served without the token.
LOGIN_FILES = ("favicon.ico", "style/bootstrap.min.css", "style/bootstrap-theme.min.css",
               "style/index.css", "logo/logo.png")
#: In :data:`HOSTS_SETTING`: answer any host name (a person's server on JupyterHub, where the
#: hub's sign-in guards every request).
ANY_HOST = "*"
#: Addresses meaning "every interface of this machine".
EVERY_INTERFACE = frozenset({"", "0.0.0.0", "::"})


def is_loopback(host: str) -> bool:
    """Whether ``host`` (an address or ``localhost``) only listens on this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(host: str) -> str:
    """The host a ``Host`` header or a configured name means: lower case, without the port and
    without an IPv6 address's brackets; an address in its shortest form.

    Examples
    --------
    >>> host_name("[::1]:8866"), host_name("Proxy.Example:443"), host_name("::1")
    ('::1', 'proxy.example', '::1')
    """
    host = host.strip().lower()
    if not _address(host):  # a bare IPv6 address has colons but no port
        host = split_host_and_port(host)[0]
    host = host.removeprefix("[").removesuffix("]")
    address = _address(host)
    return address.compressed if address else host


def _address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def accepted_hosts(address: str, configured: Iterable[str] = ()) -> frozenset[str]:
    """The host names a server listening on ``address`` answers to, besides loopback (which
    :func:`host_allowed` always accepts): that address and the ``configured`` names (a reverse
    proxy's). On every interface (``0.0.0.0``) also this machine's name, which the start-up
    URL shows, and any address (``0.0.0.0`` in the result): a browser names an address only
    when its page came from that address, so DNS rebinding, which needs a name the attacker
    owns, never sends one.

    Examples
    --------
    >>> sorted(accepted_hosts("10.0.0.5", ["proxy.example"]))
    ['10.0.0.5', 'proxy.example']
    """
    names = {host_name(name) for name in configured if name.strip()}
    if address.strip() in EVERY_INTERFACE:
        names |= {"0.0.0.0", host_name(socket.gethostname())}
    else:
        names.add(host_name(address))
    return frozenset(names)


def host_allowed(host: str, accepted: Collection[str]) -> bool:
    """Whether to answer a request whose ``Host`` header is ``host``: it names a loopback
    address or ``localhost``, or a name or address in ``accepted`` (:func:`accepted_hosts`);
    any address when ``accepted`` holds ``0.0.0.0``. The port does not matter.

    Examples
    --------
    >>> [host_allowed(h, {"10.0.0.5"}) for h in ("localhost:8866", "[::1]:8866",
    ...                                          "10.0.0.5:8866", "evil.example:8866")]
    [True, True, True, False]
    """
    name = host_name(host)
    if is_loopback(name) or name in accepted or ANY_HOST in accepted:
        return True
    return _address(name) is not None and "0.0.0.0" in accepted


class _Gate:
    """What :func:`guarded` adds to a handler: the workbench's Host rule
    (:func:`host_allowed`) as jupyter_server's ``check_host``, which ``JupyterHandler.prepare``
    calls first, and the address of the files jupyter_server's pages show (its error pages too,
    which otherwise fail to render: Voilà's application has no ``static_path``)."""

    def static_url(self, path: str, include_host: bool | None = None, **kwargs) -> str:
        return url_path_join(self.base_url, "voila/static", path)

    def check_host(self) -> bool:
        if host_allowed(self.request.host, self.settings.get(HOSTS_SETTING, ())):
            return True
        self.log.warning("Refused %s for the host %r: not a name of this server (a proxy's name "
                         "goes in %s).", self.request.path, self.request.host,
                         ALLOWED_HOSTS_ENV)
        return False


def guarded(handler: type[RequestHandler], *, public: bool = False) -> type[JupyterHandler]:
    """``handler`` checking the ``Host`` and the login before it answers.

    A jupyter_server handler keeps its own ``prepare``; a plain tornado one gets it by mixing
    in ``JupyterHandler`` (as jupyter_server's own file handlers do), a websocket also
    ``WebSocketMixin`` (a refused upgrade gets 403, not the login page).

    Parameters
    ----------
    handler : a tornado request handler class.
    public : its GET and HEAD need no login (the login page's files); its other methods keep
        their own rule (the login form's POST needs none). Otherwise every method needs the
        login, even one jupyter_server leaves open (its file handlers serve anyone).

    Examples
    --------
    >>> from tornado.web import StaticFileHandler
    >>> files = guarded(StaticFileHandler)
    >>> issubclass(files, JupyterHandler) and files.check_host is _Gate.check_host
    True
    """
    if issubclass(handler, JupyterHandler):
        bases: tuple[type, ...] = (_Gate, handler)
    elif issubclass(handler, WebSocketHandler):
        bases = (_Gate, WebSocketMixin, handler, JupyterHandler)
    else:
        bases = (_Gate, handler, JupyterHandler)
    methods = {}
    for verb in handler.SUPPORTED_METHODS:
        name = verb.lower()
        method = getattr(handler, name, None)
        if method is None:
            continue
        if public and name in ("get", "head"):
            methods[name] = allow_unauthenticated(_same(method))
        elif not public and is_public(method):
            methods[name] = _same(method)
    guard = type(handler.__name__, bases, methods)
    guard.__module__ = handler.__module__
    guard.__doc__ = handler.__doc__
    return guard


def is_public(method: Callable) -> bool:
    """Whether jupyter_server lets anyone call ``method`` (``@allow_unauthenticated``)."""
    return bool(getattr(method, "__allow_unauthenticated", False))


def _same(method: Callable) -> Callable:
    """``method`` without jupyter_server's mark (``functools.wraps`` would copy it)."""

    def verb(self, *args, **kwargs):
        return method(self, *args, **kwargs)

    verb.__name__ = verb.__qualname__ = method.__name__
    verb.__doc__ = method.__doc__
    return verb
