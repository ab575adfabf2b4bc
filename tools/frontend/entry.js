// The dashboards' front end: built by build.sh into workbench/static/page.js (and page.css).
//
// It replaces Voilà's JupyterLab front end (about 1.5 MB gzipped, and a main thread busy for the
// whole load) with only what the pages use: a kernel connection, the Jupyter widget manager with
// the standard controls, and anywidget's render protocol for the charts (workbench.ui.slots).
// The page's HTML, the kernel and its widgets are Voilà's; see workbench/serve.py.
import { KernelConnection } from '@jupyterlab/services/lib/kernel/default';
import { ServerConnection } from '@jupyterlab/services/lib/serverconnection';
import { PageConfig } from '@jupyterlab/coreutils/lib/pageconfig';
import { ManagerBase } from '@jupyter-widgets/base-manager';
import * as base from '@jupyter-widgets/base';
import * as controls from '@jupyter-widgets/controls';
import { Widget } from '@lumino/widgets';

import '@jupyter-widgets/controls/css/widgets-base.css';
import '@jupyter-widgets/controls/css/lumino.css';
import './page.css';

const WIDGET_MIME = 'application/vnd.jupyter.widget-view+json';
const OUTPUT_SELECTOR = 'script[type="application/vnd.voila.cell-output+json"]';

// anywidget's front-end protocol (https://anywidget.dev): the model's `_esm` is an ES module
// whose default export has render({ model, el }), returning an optional clean-up function.
const modules = new Map();

function importEsm(code) {
  if (!modules.has(code)) {
    const url = URL.createObjectURL(new Blob([code], { type: 'text/javascript' }));
    const loading = import(/* webpackIgnore: true */ url).finally(() => URL.revokeObjectURL(url));
    modules.set(code, loading);
  }
  return modules.get(code);
}

class AnyModel extends base.DOMWidgetModel {
  defaults() {
    return {
      ...super.defaults(),
      _model_name: 'AnyModel', _model_module: 'anywidget',
      _view_name: 'AnyView', _view_module: 'anywidget',
    };
  }
}

// Views draw one at a time, with a frame painted between them: the browser shows the first chart
// while the next is still to be drawn (drawn together, a page's five charts were one 0.5 s task,
// and nothing showed until its end; in tasks of their own, two were drawn before a frame). A
// hidden tab paints no frames: there the next view waits 0.1 s at most.
let turn = Promise.resolve();
function afterPaint() {
  return new Promise((resolve) => {
    requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 100);
  });
}
function nextTurn() {
  const mine = turn.then(afterPaint);
  turn = mine;
  return mine;
}

class AnyView extends base.DOMWidgetView {
  async render() {
    const module = await importEsm(this.model.get('_esm'));
    await nextTurn();
    let widget = module.default ?? module;
    if (typeof widget === 'function') widget = await widget();
    if (widget.initialize && !this.model._anyInitialized) {
      this.model._anyInitialized = true;
      await widget.initialize({ model: this.model, experimental: {} });
    }
    const cleanup = widget.render
      ? await widget.render({ model: this.model, el: this.el, experimental: {} })
      : null;
    this._cleanup = typeof cleanup === 'function' ? cleanup : null;
  }

  remove() {
    if (this._cleanup) this._cleanup();
    this._cleanup = null;
    return super.remove();
  }
}

const MODULES = {
  '@jupyter-widgets/base': base,
  '@jupyter-widgets/controls': controls,
  anywidget: { AnyModel, AnyView },
};

// A button's click must reach the kernel after the values typed or dragged just before it.
// ipywidgets holds back a control's newest value while the kernel is still busy with its last
// one (its message throttle), but sends a click at once, so a quick "drag the slider, click
// Save" saved the value before the drag. A custom message (a click) now first sends every value
// held back, in the order the user made them.
const heldBack = new Set();
const sync = base.WidgetModel.prototype.sync;
base.WidgetModel.prototype.sync = function (method, model, options) {
  const result = sync.call(this, method, model, options);
  if (this._msg_buffer !== null) heldBack.add(this);
  return result;
};
const send = base.WidgetModel.prototype.send;
base.WidgetModel.prototype.send = function (content, callbacks, buffers) {
  for (const held of heldBack) {
    if (held._msg_buffer !== null && held.comm !== undefined) {
      const msgId = held.send_sync_message(held._msg_buffer, held._msg_buffer_callbacks);
      held.rememberLastUpdateFor(msgId);
      held._msg_buffer = null;
      held._msg_buffer_callbacks = null;
    }
  }
  heldBack.clear();
  return send.call(this, content, callbacks, buffers);
};

class WidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    kernel.registerCommTarget(this.comm_target_name, async (comm, msg) => {
      await this.handle_comm_open(new base.shims.services.Comm(comm), msg);
    });
  }

  async loadClass(className, moduleName, moduleVersion) {
    const module = MODULES[moduleName];
    if (!module || !module[className]) {
      throw new Error(`Widget class ${className} of ${moduleName} ${moduleVersion} `
        + "is not part of the workbench's front end");
    }
    return module[className];
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) comm.open(data, metadata, buffers);
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: this.comm_target_name });
    return reply.content.status === 'ok' ? reply.content.comms : {};
  }

  async display(modelId, host) {
    const model = await this.get_model(modelId);
    const view = await this.create_view(model);
    Widget.attach(view.luminoWidget, host);
    return view;
  }
}

// plotly.js, fetched early by the page's <link id="wb-plotly-preload">, runs once the request for
// the widgets' states is on its way (the kernel's info has come back, and with it the queued
// messages went out): its ~0.1 s of compiling then overlaps the kernel's answer instead of
// holding up the requests. PlotView's module (workbench/ui/slots.py) waits for script#wb-plotly.
function runPlotly() {
  const preload = document.getElementById('wb-plotly-preload');
  if (!preload || document.getElementById('wb-plotly')) return;
  const script = document.createElement('script');
  script.id = 'wb-plotly';
  script.src = preload.href;
  script.addEventListener('error', () => { script.dataset.failed = '1'; });
  document.head.appendChild(script);
}

function showCells() {
  // Voilà's page shows its cells once the theme is in; here the theme is page.css, already in.
  window.themeLoaded = true;
  if (window.display_cells) window.display_cells();
}

function outputElement(output) {
  const el = document.createElement('div');
  el.className = 'jp-OutputArea-output';
  const data = output.data || {};
  if (output.output_type === 'stream') {
    const pre = document.createElement('pre');
    pre.textContent = output.text;
    el.classList.add('jp-RenderedText');
    const stream = output.name === 'stderr' ? 'stderr' : 'stdout';
    el.dataset.mimeType = `application/vnd.jupyter.${stream}`;
    el.appendChild(pre);
  } else if (output.output_type === 'error') {
    const pre = document.createElement('pre');
    pre.textContent = `${output.ename}: ${output.evalue}`;
    el.classList.add('jp-RenderedText');
    el.dataset.mimeType = 'application/vnd.jupyter.stderr';
    el.appendChild(pre);
  } else if (data['text/html'] !== undefined) {
    el.classList.add('jp-RenderedHTMLCommon');
    el.innerHTML = [].concat(data['text/html']).join('');
  } else if (data['text/plain'] !== undefined && !data[WIDGET_MIME]) {
    const pre = document.createElement('pre');
    pre.textContent = [].concat(data['text/plain']).join('');
    el.classList.add('jp-RenderedText');
    el.appendChild(pre);
  }
  return el;
}

// The page's language and texts, from page.js's own <script> tag (workbench.serve.front_end_tags):
// data-lang (the starting language), data-langs (the header toggle's languages, in order) and
// data-messages ({lang: {key: text}}, from the i18n catalogue: this file has no text of its own).
const tag = document.currentScript;
const startLang = (tag && tag.dataset.lang) || 'en';
const langs = ((tag && tag.dataset.langs) || 'en,zh').split(',');
let messages = {};
try {
  messages = JSON.parse((tag && tag.dataset.messages) || '{}');
} catch (error) {
  messages = {};
}

// The language the header's toggle shows now, else the page's starting language (also used by
// upload-guard.js).
function currentLang() {
  const buttons = document.querySelectorAll('.wb-lang .widget-toggle-button');
  for (let i = 0; i < buttons.length; i += 1) {
    if (buttons[i].classList.contains('mod-active') && langs[i]) return langs[i];
  }
  return startLang;
}
window.workbenchLang = currentLang;

function text(key) {
  const lang = currentLang();
  return (messages[lang] || {})[key] || (messages[startLang] || {})[key] || (messages.en || {})[key]
    || key;
}

// Without its kernel a page still shows its last numbers, but its controls do nothing: no result
// is computed and no draft is written. So the page says so at the top: after a second while the
// connection is being re-made (a short drop of the network heals by itself, and the banner goes),
// and at once when the kernel is gone: it died and was restarted blank, the server closed the
// connection, the server no longer knows it (asked while waiting: it was culled, or the server
// restarted), or seven attempts to reconnect failed over about two minutes. A lost page stays
// lost: a reload opens it again with a kernel of its own, and the drafts offer back what was
// unsaved. Leaving the page ends the watch first (its kernel is then shut down on purpose).
const WAIT_MS = 1000;
const FIRST_CONNECT_MS = 10000;
const ASK_EVERY_MS = 3000;

function watchConnection(kernel, serverSettings) {
  let banner = null;
  let lost = false;
  let waiting = null;
  let watching = true;
  const show = (state) => {
    if (!banner) {
      banner = document.createElement('div');
      banner.className = 'wb-connection';
      banner.setAttribute('role', 'alert');
      document.body.prepend(banner);
    }
    banner.dataset.state = state;
    banner.textContent = '';
    const message = document.createElement('span');
    message.textContent = text(`connection.${state}`);
    banner.appendChild(message);
    if (state === 'lost' || state === 'signed_out') {
      // a reload opens the page again; signed out, it goes through the hub's sign-in first
      const reload = document.createElement('button');
      reload.type = 'button';
      reload.textContent = text(state === 'lost' ? 'connection.reload' : 'connection.sign_in');
      reload.addEventListener('click', () => window.location.reload());
      banner.appendChild(reload);
    }
  };
  const hide = () => {
    clearTimeout(waiting);
    waiting = null;
    if (banner) banner.remove();
    banner = null;
  };
  const lose = (state = 'lost') => {
    if (lost || !watching) return;
    lost = true;
    clearTimeout(waiting);
    show(state);
  };
  // Whether the server still knows the kernel: a 404 means it is gone; 401 or 403 that the
  // sign-in is no longer valid (on a team's JupyterHub: signed out, or the hub's session ended);
  // anything else (the server down, a slow answer) keeps the page waiting.
  const ask = async () => {
    const url = `${serverSettings.baseUrl}api/kernels/${encodeURIComponent(kernel.id)}`;
    try {
      const reply = await ServerConnection.makeRequest(url, {}, serverSettings);
      if (reply.status === 404) lose();
      else if (reply.status === 401 || reply.status === 403) lose('signed_out');
      return reply.status;
    } catch (error) {
      return 0;  // no answer: the reconnection attempts go on
    }
  };
  // While not connected: ask the server a second in and then every few seconds, and show the
  // banner once the wait is longer than `showAfter` ms.
  let since = 0;
  let showAfter = 0;
  const tick = () => {
    if (lost || !watching) return;
    if (Date.now() - since >= showAfter) show('waiting');
    ask();
    waiting = setTimeout(tick, ASK_EVERY_MS);
  };
  const wait = (ms) => {
    if (waiting || lost) return;
    since = Date.now();
    showAfter = ms;
    waiting = setTimeout(tick, WAIT_MS);
  };
  kernel.connectionStatusChanged.connect((_, status) => {
    if (lost || !watching) return;
    if (status === 'connected') hide();
    else if (status === 'connecting') wait(WAIT_MS);
    // 'disconnected': closed by the server, or no reconnection worked; signed out, the
    // server refuses the page's requests (ask says which)
    else ask().then(() => lose());
  });
  kernel.statusChanged.connect((_, status) => {
    // 'autorestarting': the kernel died and the server started a blank one in its place
    // ('dead' also when the reconnection was refused: signed out, ask says so)
    if (['dead', 'autorestarting', 'restarting'].includes(status)) ask().then(() => lose());
  });
  if (kernel.connectionStatus !== 'connected') wait(FIRST_CONNECT_MS);
  const stop = () => {
    watching = false;
    hide();
  };
  return { lose, stop };
}

// Marks on the page's performance timeline, for profiling a load (Chromium's performance panel, or
// performance.getEntriesByType('mark')): wb-start, wb-states (every widget's state arrived from
// the kernel), wb-views (every output's view attached).
const mark = (name) => performance.mark(name);

// The meeting view (page 04's Presentation mode, `.wb-present`): → / Page Down / Space go to the
// next section, ← / Page Up to the previous one, Esc leaves the view (its toggle is clicked, so
// the kernel knows). Keys typed into a field are the field's.
const NEXT_KEYS = new Set(['ArrowRight', 'ArrowDown', 'PageDown', ' ']);
const PREVIOUS_KEYS = new Set(['ArrowLeft', 'ArrowUp', 'PageUp']);
document.addEventListener('keydown', (event) => {
  const page = document.querySelector('.wb-present');
  if (!page || event.altKey || event.ctrlKey || event.metaKey
      || event.target.closest('input, textarea, select, [contenteditable="true"]')) return;
  if (event.key === 'Escape') {
    const toggle = page.querySelector('.wb-present-toggle');
    if (toggle) toggle.click();
    return;
  }
  const step = NEXT_KEYS.has(event.key) ? 1 : PREVIOUS_KEYS.has(event.key) ? -1 : 0;
  if (!step || (event.key === ' ' && event.target.closest('button'))) return;
  const sections = [...page.querySelectorAll('.wb-review-section')]
    .filter((section) => section.offsetParent !== null);
  if (!sections.length) return;
  event.preventDefault();
  const tops = sections.map((section) => section.getBoundingClientRect().top);
  let current = 0;
  tops.forEach((top, i) => { if (top <= 4) current = i; });
  const target = Math.min(Math.max(current + step, 0), sections.length - 1);
  sections[target].scrollIntoView({ block: 'start' });
});

async function main() {
  mark('wb-start');
  const scripts = [...document.querySelectorAll(OUTPUT_SELECTOR)];
  const widgets = [];
  for (const script of scripts) {
    const output = JSON.parse(script.textContent);
    const el = outputElement(output);
    script.replaceWith(el);
    const view = (output.data || {})[WIDGET_MIME];
    if (view) widgets.push([view.model_id, el]);
  }
  showCells();
  const kernelId = PageConfig.getOption('kernelId');
  if (!kernelId) {
    runPlotly();
    return;
  }
  const serverSettings = ServerConnection.makeSettings({ baseUrl: PageConfig.getBaseUrl() });
  // Comms stay on the kernel's main shell, as in Voilà's page: services 7.6 would give each comm
  // target a subshell (a thread of its own), and the dashboards' handlers are not thread-safe.
  const kernel = new KernelConnection({
    model: { id: kernelId, name: 'python3' }, serverSettings, commsOverSubshells: 'disabled',
  });
  const connection = watchConnection(kernel, serverSettings);
  kernel.info.then(() => setTimeout(runPlotly, 0), runPlotly);
  setTimeout(runPlotly, 2000);  // whatever the kernel does, the charts get plotly.js
  window.addEventListener('beforeunload', () => {
    connection.stop();
    // Voilà's shutdown endpoint (the server refuses it without the page's _xsrf cookie)
    const form = new FormData();
    const xsrf = document.cookie.match('\\b_xsrf=([^;]*)\\b');
    form.append('_xsrf', (xsrf && xsrf[1]) || '');
    navigator.sendBeacon(`${PageConfig.getBaseUrl()}voila/api/shutdown/${kernel.id}`, form);
    kernel.dispose();
  });
  const manager = new WidgetManager(kernel);
  window.workbenchWidgets = manager;  // for the browser tests (tests/browser/test_front_end.py)
  try {
    await manager._loadFromKernel();
  } catch (error) {
    console.error(error);
    connection.lose();
    return;
  }
  mark('wb-states');
  await Promise.all(widgets.map(([modelId, el]) => manager.display(modelId, el).catch((error) => {
    console.error(error);
    el.textContent = `This part of the page could not be shown: ${error.message || error}`;
  })));
  mark('wb-views');
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', main);
else main();
