"""The package's shape (DESIGN.md, "Layers"): imports only point down, and no two modules import
each other, directly or through a chain.

The import graph is grimp's (``grimp.build_graph("workbench")``): every ``import`` statement in
the package, those inside functions too (a lazy import is still a dependency). Modules are named
by prefix: ``workbench.mix`` is the module ``mix.py`` or the package ``mix/`` with everything in
it, so a module split into a package keeps its rules.
"""

from __future__ import annotations

import functools

import grimp
import pytest

PACKAGE = "workbench"

#: The layers a rule names (DESIGN.md's table). A prefix that matches no module (yet) is allowed:
#: the data layer's ``workspace`` and the text layer's ``fmt`` are planned.
MODELS = ("workbench.personas", "workbench.personas_select", "workbench.latent_class",
          "workbench.mix", "workbench.roi", "workbench.review", "workbench.baseline")
DATA = ("workbench.io", "workbench.store", "workbench.sample", "workbench.schemas",
        "workbench.workspace")
TEXT = ("workbench.i18n", "workbench.catalogues", "workbench.fmt")
#: small modules models, data and pages share: the errors a planner reads, CSV export, the
#: Chinese calendar, who is working and their roles
SHARED = ("workbench.errors", "workbench.export", "workbench.festivals", "workbench.identity")
UI = ("workbench.ui",)
CHARTS = ("workbench.charts",)
REPORT = ("workbench.report",)
RUNTIME = ("workbench.runtime", "workbench.serve")
#: the server's side of the runtime: Voilà, jupyter_server and nbconvert (~850 modules), which a
#: page's kernel never needs
SERVER = ("workbench.serve", "workbench.runtime.access", "workbench.runtime.hub")

#: (importer, forbidden): no module under the first prefix imports one under the second,
#: directly or through a chain.
RULES: list[tuple[str, str]] = [
    # models, data, text and what they share know nothing of pages, charts, reports or runtime
    *((low, high) for low in (*MODELS, *DATA, *TEXT, *SHARED)
      for high in (*UI, *CHARTS, *REPORT, *RUNTIME)),
    # charts are pure figures: no widgets
    *(("workbench.charts", high) for high in UI),
    # the runtime (kernel loop, Voilà, assets, Chromium, the server) knows no model and no page
    *((runtime, high) for runtime in RUNTIME for high in (*MODELS, *UI, *CHARTS, *REPORT)),
    # what a page's kernel runs never loads the server (a PDF needs Chromium's path only)
    *((page, server) for page in (*UI, *CHARTS, *REPORT) for server in SERVER),
]


@functools.cache
def graph(exclude_type_checking_imports: bool = False) -> grimp.ImportGraph:
    return grimp.build_graph(PACKAGE, cache_dir=None,
                             exclude_type_checking_imports=exclude_type_checking_imports)


def under(prefix: str, modules) -> list[str]:
    """The modules named by ``prefix``: the module itself and, for a package, its descendants
    (``workbench.mix`` matches ``workbench.mix.solve``, not ``workbench.mixer``)."""
    return sorted(m for m in modules if m == prefix or m.startswith(prefix + "."))


def test_the_rules_name_modules_that_exist():
    """Each layer a rule names holds modules, so a rename cannot leave the rules checking
    nothing."""
    modules = graph().modules
    for layer in (MODELS, DATA, TEXT, SHARED, UI, CHARTS, REPORT, RUNTIME):
        assert any(under(prefix, modules) for prefix in layer), layer
    for prefix in (*UI, *CHARTS, *REPORT, *RUNTIME, *SERVER):
        assert under(prefix, modules), f"{prefix} names no module: update the rules"


@pytest.mark.parametrize("importer, forbidden", RULES, ids=[f"{a}-x->{b}" for a, b in RULES])
def test_imports_point_down(importer, forbidden):
    g = graph()
    chains = []
    for low in under(importer, g.modules):
        for high in under(forbidden, g.find_upstream_modules(low)):
            chains.append(" → ".join(g.find_shortest_chain(low, high)))
    assert not chains, f"{importer} must not import {forbidden}:\n" + "\n".join(chains)


def test_no_import_cycle():
    """No two modules import each other, directly or through a chain (imports under
    ``if TYPE_CHECKING:`` do not run, so they do not count here)."""
    g = graph(exclude_type_checking_imports=True)
    cycles = set()
    for module in sorted(g.modules):
        for other in g.find_upstream_modules(module):
            if module in g.find_upstream_modules(other):
                cycles.add(tuple(sorted((module, other))))
    described = [" → ".join(g.find_shortest_chain(a, b) + g.find_shortest_chain(b, a)[1:])
                 for a, b in sorted(cycles)]
    assert not cycles, "import cycles:\n" + "\n".join(described)


def test_the_runtime_package_imports_nothing_itself():
    """``workbench.runtime`` is a namespace for its modules: importing one (the kernel loop)
    must not load another (the server's access rules load jupyter_server)."""
    assert not graph().find_modules_directly_imported_by("workbench.runtime")
