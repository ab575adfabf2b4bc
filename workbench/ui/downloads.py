"""One click, one file: what a page exports goes straight to the browser's downloads.

A page's export button makes the file in the kernel and sends its bytes to the page, where a
small anywidget (:class:`Downloader`, drawn as nothing) hands them to the browser as a download:
no link to click afterwards. The line under the buttons then names what was downloaded, each
name a link to the same bytes, for a browser that blocked the download or a second copy.

The bytes travel as one binary buffer of a custom message (no base64 on the way), so a PDF of a
few MB arrives in the time the connection needs for it.
"""

from __future__ import annotations

import html

import anywidget
import ipywidgets as w
import traitlets as tl

from workbench.export import download_link, file_bytes
from workbench.i18n import t

_ESM = """
export default {
  render({ model, el }) {
    el.style.display = "none";
    const save = (content, buffers) => {
      if (!content || content.kind !== "download" || !buffers || !buffers.length) return;
      const url = URL.createObjectURL(new Blob([buffers[0]], { type: content.mime }));
      const a = document.createElement("a");
      a.href = url;
      a.download = content.name;
      el.appendChild(a);
      a.click();
      setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 60000);
    };
    model.on("msg:custom", save);
    return () => model.off("msg:custom", save);
  },
};
"""


class Downloader(anywidget.AnyWidget):
    """Hands the bytes of a custom message ``{"kind": "download", "name", "mime"}`` to the
    browser as a download (drawn as nothing)."""

    _esm = tl.Unicode(_ESM).tag(sync=True)


class Downloads(w.VBox):
    """Where a page's exports go: :meth:`send` downloads a file in the browser at once and names
    it in the line below the buttons; :meth:`clear` forgets them (the result they describe
    changed). ``value`` is that line's HTML (links to the files sent since the last clear)."""

    def __init__(self, **kwargs):
        self._line = w.HTML()
        self._links: dict[str, str] = {}          # file name → its link, in the order sent
        #: (file name, bytes) of the files on the line, in the order sent (cleared with it)
        self.sent: list[tuple[str, bytes]] = []
        self._downloader = Downloader()
        super().__init__([self._line, self._downloader], **kwargs)

    @property
    def value(self) -> str:
        return self._line.value

    @value.setter
    def value(self, text: str) -> None:               # "" clears, as on an HTML widget
        if not text:
            self.clear()
        else:
            self._line.value = text

    def send(self, data: str | bytes, file_name: str, label: str, lang: str,
             mime: str = "text/csv") -> None:
        """Download ``data`` as ``file_name`` in the browser now; the line says so, with a link
        (``label``) to download it again."""
        raw = file_bytes(data)
        self._downloader.send({"kind": "download", "name": file_name, "mime": mime},
                              buffers=[raw])
        self.sent = [(n, b) for n, b in self.sent if n != file_name] + [(file_name, raw)]
        self._links.pop(file_name, None)                     # sent again: last on the line
        self._links[file_name] = download_link(raw, file_name, label, mime=mime)
        self._line.value = (
            f'<div class="wb-downloaded">{html.escape(t("downloads.done", lang))} '
            + " · ".join(self._links.values()) + "</div>")

    def clear(self) -> None:
        self._links.clear()
        self.sent.clear()
        self._line.value = ""
