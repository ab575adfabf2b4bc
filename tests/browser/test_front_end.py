"""The workbench's own front end (``workbench/static/page.js``, ``tools/frontend``) in a real
browser: what it does in place of Voilà's, beyond drawing the pages (which every other browser
test checks): the kernel shut down when the page is left, comms kept off kernel subshells,
descriptions that allow HTML sanitised as ipywidgets does, and a banner when the page's kernel is
lost or being reconnected."""

from __future__ import annotations

import json
import time

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ROI = "/voila/render/03_activity_roi.ipynb?lang=en"
HOME = "/voila/render/00_home.ipynb?lang=en"


def header(frame: str | bytes) -> dict:
    """The header of a kernel message as the page sends it: JSON text, or the binary
    ``v1.kernel.websocket.jupyter.org`` form (the count of offsets, the offsets, then channel,
    header, parent header, metadata, content and buffers)."""
    if isinstance(frame, str):
        return json.loads(frame)["header"]
    count = int.from_bytes(frame[:8], "little")
    offsets = [int.from_bytes(frame[8 + 8 * i:16 + 8 * i], "little") for i in range(count)]
    return json.loads(frame[offsets[1]:offsets[2]])


def open_roi(page, server_url: str) -> list:
    """Open the ROI page until its first chart; returns the websocket frames the page sent."""
    sent: list = []
    page.on("websocket", lambda ws: ws.on("framesent", lambda frame: sent.append(frame)))
    page.goto(server_url + ROI)
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
    return sent


def test_the_page_talks_to_its_kernel_over_the_main_shell_only(page, server_url):
    """Comms on the kernel's main shell, as with Voilà's page: @jupyterlab/services 7.6 would
    otherwise give each comm target a subshell of its own (a thread in the kernel), running the
    dashboards' handlers concurrently."""
    sent = open_roi(page, server_url)
    before = page.locator('[data-kpi="expected_roi"] .wb-kpi-value').inner_text()
    likely = page.locator(".wb-input-participation_rate-likely input")
    likely.fill("12")
    likely.press("Enter")
    expect(page.locator('[data-kpi="expected_roi"] .wb-kpi-value')).not_to_have_text(before)
    headers = [header(frame) for frame in sent]
    kinds = [h["msg_type"] for h in headers]
    assert "comm_open" in kinds and "comm_msg" in kinds, kinds
    assert "create_subshell_request" not in kinds
    assert all(h.get("subshell_id") is None for h in headers), headers
    page.assert_no_errors()


def test_plotly_runs_once_the_widgets_states_are_asked_for(page, server_url):
    """plotly.js (0.1-0.2 s of compiling) runs after the page has sent the kernel its request
    for the widgets' states, so it overlaps the kernel's answer instead of holding up the
    requests; and the charts then draw with it."""
    page.add_init_script("""
        window.__order = [];
        const send = WebSocket.prototype.send;
        WebSocket.prototype.send = function (data) {
          const text = typeof data === 'string' ? data : new TextDecoder().decode(data);
          if (text.includes('request_states')) window.__order.push('request_states');
          return send.call(this, data);
        };
        new MutationObserver(() => {
          if (document.getElementById('wb-plotly') && !window.__order.includes('plotly')) {
            window.__order.push('plotly');
          }
        }).observe(document, { childList: true, subtree: true });
    """)
    open_roi(page, server_url)
    assert page.evaluate("window.__order") == ["request_states", "plotly"]
    assert page.evaluate("typeof window.Plotly.react") == "function"
    page.assert_no_errors()


def test_leaving_a_page_shuts_its_kernel_down(page, server_url):
    open_roi(page, server_url)
    kernel = page.evaluate("window.workbenchWidgets.kernel.id")
    with page.expect_request(lambda r: f"/voila/api/shutdown/{kernel}" in r.url) as beacon:
        page.goto(server_url + HOME)
    assert beacon.value.method == "POST"
    expect(page.locator("a.wb-card")).to_have_count(4)
    response = beacon.value.response()
    assert response is None or response.ok  # a beacon's answer may arrive after the page left
    page.assert_no_errors()


def test_closing_a_tab_shuts_its_kernel_down_at_once(page, server_url):
    """A real tab close (not a navigation): the kernel is gone within seconds, not at the
    10-minute cull (README)."""
    tab = page.context.new_page()
    open_roi(tab, server_url)
    kernel = tab.evaluate("window.workbenchWidgets.kernel.id")
    assert page.request.get(f"{server_url}/api/kernels/{kernel}").status == 200
    tab.close(run_before_unload=True)
    deadline = time.monotonic() + 15
    while page.request.get(f"{server_url}/api/kernels/{kernel}").status != 404:
        assert time.monotonic() < deadline, "the closed tab's kernel still runs after 15 s"
        time.sleep(0.25)


def test_descriptions_that_allow_html_are_sanitised_as_ipywidgets_does(page, server_url):
    """page.js stands in its own sanitiser for the sanitize-html package (tools/frontend): the
    same allow-list as @jupyter-widgets/base-manager's, applied by the browser's parser."""
    page.goto(server_url + HOME)
    expect(page.locator("a.wb-card")).to_have_count(4)
    page.wait_for_function("window.workbenchWidgets !== undefined")
    cases = {
        '<b onclick="steal()">bold</b>': "<b>bold</b>",
        "<script>steal()</script>kept": "kept",
        '<a href="javascript:steal()" title="t">link</a>': '<a title="t">link</a>',
        '<a href=" JaVaScRiPt:steal()">link</a>': "<a>link</a>",
        '<a href="https://example.com/a?b=1">link</a>':
            '<a href="https://example.com/a?b=1">link</a>',
        '<div class="c">in <em>it</em></div>': "in <em>it</em>",
        '<span aria-label="l" data-x="1" style="color: red">s</span>':
            '<span aria-label="l" style="color: red">s</span>',
        '<img src="chart.png" onerror="steal()">': '<img src="chart.png">',
        "<style>body { display: none }</style>plain &amp; simple":
            "plain &amp; simple",
        "<iframe src='https://example.com'></iframe>x": "x",
    }
    got = page.evaluate("cases => cases.map(h => window.workbenchWidgets.inline_sanitize(h))",
                        list(cases))
    assert dict(zip(cases, got)) == cases
    page.assert_no_errors()


def test_a_team_server_page_works_once_the_token_was_given(browser, tmp_path):
    """In team mode every request needs the token: the page's login cookie must carry the front
    end's kernel websocket and its comm messages too."""
    import os

    from workbench.serve import TOKEN_ENV, running

    token = "front-end-test-token-0123456789"
    env = {**os.environ, TOKEN_ENV: token}
    args = ["--team", "--host=127.0.0.1", "--VoilaConfiguration.preheat_kernel=False"]
    with running(args=args, env=env, log=tmp_path / "server.log", timeout=90) as url:
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.goto(f"{url}{ROI.lstrip('/')}&token={token}")
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=90_000)
        likely = page.locator(".wb-input-participation_rate-likely input")
        before = page.locator('[data-kpi="expected_roi"] .wb-kpi-value').inner_text()
        likely.fill("12")
        likely.press("Enter")
        expect(page.locator('[data-kpi="expected_roi"] .wb-kpi-value')).not_to_have_text(before)
        context.close()
    assert errors == []


def kernel_processes(kernel_id: str) -> list:
    import psutil

    found = []
    for proc in psutil.process_iter(["cmdline"]):
        if any(kernel_id in part for part in proc.info["cmdline"] or ()):
            found.append(proc)
    return found


def change_likely_participation(page, value: str) -> None:
    """Type a new likely participation rate and wait for the expected ROI to change."""
    kpi = page.locator('[data-kpi="expected_roi"] .wb-kpi-value')
    before = kpi.inner_text()
    likely = page.locator(".wb-input-participation_rate-likely input")
    likely.fill(value)
    likely.press("Enter")
    expect(kpi).not_to_have_text(before)


def test_a_page_whose_kernel_died_says_so_in_its_language_and_reloads(page, server_url):
    """A kernel that dies (here: killed) is restarted blank by the server, and the page's
    controls then do nothing: the page says so at the top, in the language it shows (switched to
    Chinese after it opened), and its button reloads the page with a working kernel."""
    open_roi(page, server_url)
    page.locator(".wb-lang button", has_text="中文").click()
    expect(page.locator(".wb-lang button.mod-active")).to_have_text("中文")
    kernel = page.evaluate("window.workbenchWidgets.kernel.id")
    processes = kernel_processes(kernel)
    assert len(processes) == 1, processes
    expect(page.locator(".wb-connection")).to_have_count(0)
    processes[0].kill()
    banner = page.locator(".wb-connection[data-state=lost]")
    expect(banner).to_be_visible(timeout=30_000)
    assert banner.get_attribute("role") == "alert"
    assert "本页面已与工作台断开" in banner.inner_text()
    assert "不会被计算或保存" in banner.inner_text()
    # the restarted kernel answers, but the page stays marked lost: its widgets are gone
    page.wait_for_timeout(1500)
    expect(banner).to_be_visible()
    banner.locator("button", has_text="刷新页面").click()
    expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible(timeout=60_000)
    expect(page.locator(".wb-connection")).to_have_count(0)
    assert page.evaluate("window.workbenchWidgets.kernel.id") != kernel
    change_likely_participation(page, "12")
    page.assert_no_errors()


def test_a_dropped_connection_is_said_while_it_lasts_and_the_page_carries_on(page, server_url):
    """While the kernel's websocket is being re-made the page says it waits (after a second:
    a short drop heals unseen), and once reconnected the banner goes and the controls work.
    The drop: the open socket is closed, and new ones are refused (sent to a closed port) until
    the test lets them through."""
    page.add_init_script("""
        const Real = window.WebSocket;
        window.WebSocket = class extends Real {
          constructor(url, protocols) {
            super(window.__refuse ? 'ws://127.0.0.1:9/' : url, protocols);
          }
        };
    """)
    open_roi(page, server_url)
    page.evaluate("window.__refuse = true; window.workbenchWidgets.kernel._ws.close(4000)")
    banner = page.locator(".wb-connection[data-state=waiting]")
    expect(banner).to_be_visible(timeout=10_000)
    assert "Waiting for the workbench to answer" in banner.inner_text()
    assert banner.locator("button").count() == 0
    page.evaluate("window.__refuse = false")
    expect(page.locator(".wb-connection")).to_have_count(0, timeout=30_000)
    change_likely_participation(page, "12")
    refused = [e for e in page.errors if "ws://127.0.0.1:9/" in e]
    assert refused, page.errors  # the drop did happen
    page.errors[:] = [e for e in page.errors if e not in refused]
    page.assert_no_errors()


def test_a_page_whose_kernel_is_gone_before_it_connects_says_so(page, server_url):
    """A page whose kernel the server shut down before the page connected to it (as after an
    idle cull, or a server restart, for a tab restored later) asks the server while it waits,
    and shows the lost banner within seconds rather than after two minutes of reconnecting.
    page.js is held back until the kernel is shut down."""
    held = []
    page.route("**/workbench/static/page.js*", lambda route: held.append(route))
    page.goto(server_url + ROI, wait_until="commit")
    page.wait_for_function("document.getElementById('jupyter-config-data') !== null"
                           " && window.voila_finish !== undefined")
    kernel = page.evaluate(
        "JSON.parse(document.getElementById('jupyter-config-data').textContent).kernelId")
    xsrf = next(c["value"] for c in page.context.cookies() if c["name"] == "_xsrf")
    shutdown = page.request.post(f"{server_url}/voila/api/shutdown/{kernel}",
                                 form={"_xsrf": xsrf})
    assert shutdown.ok, shutdown.status
    assert page.request.get(f"{server_url}/api/kernels/{kernel}").status == 404
    page.wait_for_function("() => true")  # let the route handler run
    assert len(held) == 1
    held[0].continue_()
    banner = page.locator(".wb-connection[data-state=lost]")
    expect(banner).to_be_visible(timeout=8_000)  # reconnecting alone: about a minute
    assert "no longer connected" in banner.inner_text()
    expect(page.locator(".js-plotly-plot")).to_have_count(0)  # no widget came
    gone = [e for e in page.errors if kernel in e and "404" in e]
    assert gone, page.errors  # the websocket and the server's answer about the kernel
    page.errors[:] = [e for e in page.errors if e not in gone]
    page.assert_no_errors()
