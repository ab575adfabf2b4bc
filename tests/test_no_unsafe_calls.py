"""Nothing unpickles, evaluates or imports user data, and SQL goes through bound parameters.

An AST audit of every module of the package (not a grep: comments, docstrings and names that
merely contain the words do not count, aliases do). It fails on

* importing ``pickle``, ``marshal``, ``shelve``, ``dill``, ``cloudpickle``, ``jsonpickle`` or
  ``joblib`` (all of them run code while loading), and on any ``read_pickle``;
* the builtins ``eval``, ``exec``, ``compile`` and ``__import__``; ``importlib.import_module``
  of a name that is not a constant (a few reviewed package-internal lookups are listed in
  :data:`DYNAMIC_IMPORTS`);
* ``yaml.load``/``load_all`` without ``SafeLoader``/``CSafeLoader``, ``yaml.unsafe_load`` and
  ``yaml.full_load``; ``numpy.load(..., allow_pickle=<anything but False>)``;
* pandas' ``eval``/``query`` of a string that is not a constant;
* ``os.system``, ``os.popen`` and ``subprocess`` with ``shell=True``;
* SQL built from strings: SQLAlchemy's ``text``/``literal_column``/``DDL`` and
  ``exec_driver_sql`` of anything but a constant, and ``.execute()`` of a string put together at
  run time (an f-string, ``%``, ``+``, ``.format``, ``.join``), except the few reviewed in
  :data:`REVIEWED_SQL`. The store writes SQLAlchemy expressions (``select``,
  ``insert().values``), whose values are always bound parameters.

The audit itself is tested on small bad and good snippets, so it can fail.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "workbench"
MODULES = sorted(PACKAGE.rglob("*.py"))

UNSAFE_MODULES = {"pickle", "cPickle", "_pickle", "marshal", "shelve", "dill", "cloudpickle",
                  "jsonpickle", "joblib"}
UNSAFE_BUILTINS = {"eval", "exec", "compile", "__import__"}
SAFE_YAML_LOADERS = {"SafeLoader", "CSafeLoader", "BaseLoader"}
SQL_BUILDERS = {"text", "literal_column", "DDL", "exec_driver_sql"}
#: Reviewed dynamic imports: file → the constant prefix of the module name. The rest of the
#: name comes from a constant table of the module (``_HOMES``, ``catalogues.PAGES``), not from
#: users; any other dynamic import fails the audit.
DYNAMIC_IMPORTS = {
    "ui/__init__.py": "workbench.ui.",
    "i18n.py": "workbench.catalogues.",
}
#: Reviewed SQL built from strings: file → {the expression, exactly as written: why}. SQLite
#: takes no bound parameter in a PRAGMA or a BEGIN; these put in only the store's own
#: constants. Changing one of them (or adding another) fails the audit until reviewed here.
REVIEWED_SQL = {
    "store/engine.py": {
        "f'PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_S * 1000)}'":
            "int() of the module constant SQLITE_BUSY_TIMEOUT_S",
        "f'BEGIN {mode}'.strip()":
            "mode is the store's own execution option, set only to 'IMMEDIATE'",
    },
}


def _dotted(node: ast.AST) -> str | None:
    """``np.load`` → ``"np.load"``; ``None`` for anything that is not a plain name chain."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _is_constant_str(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _is_built_string(node: ast.AST | None) -> bool:
    """A string put together at run time: f-string, ``%``, ``+`` or ``.format``."""
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr in ("format", "format_map", "join"):
        return True
    return False


def _keyword(call: ast.Call, name: str) -> ast.AST | None:
    return next((k.value for k in call.keywords if k.arg == name), None)


def _first_arg(call: ast.Call, keyword: str | None = None) -> ast.AST | None:
    if call.args:
        return call.args[0]
    return _keyword(call, keyword) if keyword else None


def audit(source: str, path: str = "<snippet>") -> list[str]:
    """The unsafe calls and imports in ``source``: ``"path:line: what"`` each."""
    tree = ast.parse(source, filename=path)
    aliases: dict[str, str] = {}  # local name → the module or object it stands for
    found: list[str] = []

    def flag(node: ast.AST, what: str) -> None:
        found.append(f"{path}:{getattr(node, 'lineno', '?')}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.split(".")[0]] = a.name if a.asname else \
                    a.name.split(".")[0]
                if a.name.split(".")[0] in UNSAFE_MODULES:
                    flag(node, f"imports {a.name}")
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
            if node.module.split(".")[0] in UNSAFE_MODULES:
                flag(node, f"imports from {node.module}")

    def resolve(name: str | None) -> str | None:
        if name is None:
            return None
        head, _, rest = name.partition(".")
        base = aliases.get(head, head)
        return f"{base}.{rest}" if rest else base

    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        raw = _dotted(node.func)
        name = resolve(raw) or ""
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else None
        last = name.rsplit(".", 1)[-1] if name else (attr or "")

        if isinstance(node.func, ast.Name) and node.func.id in UNSAFE_BUILTINS \
                and node.func.id not in aliases:
            flag(node, f"calls {node.func.id}()")
        if name in ("builtins.eval", "builtins.exec", "builtins.compile",
                    "builtins.__import__"):
            flag(node, f"calls {name}()")
        if last == "read_pickle" or name in ("pickle.load", "pickle.loads"):
            flag(node, f"calls {raw or attr}()")
        if name == "importlib.import_module":
            arg = _first_arg(node, "name")
            if not _is_constant_str(arg):
                prefix = DYNAMIC_IMPORTS.get(_relative(path))
                head = (arg.values[0].value if isinstance(arg, ast.JoinedStr) and arg.values
                        and _is_constant_str(arg.values[0]) else None)
                if not (prefix and head and head.startswith(prefix)):
                    flag(node, "imports a module whose name is not a constant")
        if name.startswith("yaml."):
            if last in ("unsafe_load", "unsafe_load_all", "full_load", "full_load_all"):
                flag(node, f"calls {name}()")
            elif last in ("load", "load_all"):
                loader = _keyword(node, "Loader") or (node.args[1] if len(node.args) > 1
                                                      else None)
                loader_name = (resolve(_dotted(loader)) or "").rsplit(".", 1)[-1]
                if loader_name not in SAFE_YAML_LOADERS:
                    flag(node, f"calls {name}() without a safe Loader")
        if name == "numpy.load":
            allow = _keyword(node, "allow_pickle")
            if allow is not None and not (isinstance(allow, ast.Constant)
                                          and allow.value is False):
                flag(node, "calls numpy.load(allow_pickle=...)")
        if attr in ("eval", "query") and name not in ("builtins.eval",):
            arg = _first_arg(node, "expr")
            if arg is not None and not _is_constant_str(arg):
                flag(node, f"calls .{attr}() of a string that is not a constant")
        if name in ("os.system", "os.popen", "os.popen2", "os.popen3", "commands.getoutput"):
            flag(node, f"calls {name}()")
        if name.startswith("subprocess."):
            shell = _keyword(node, "shell")
            if shell is not None and not (isinstance(shell, ast.Constant)
                                          and shell.value is False):
                flag(node, f"calls {name}(shell=...)")
        reviewed = REVIEWED_SQL.get(_relative(path), {})
        if (last in SQL_BUILDERS and name.startswith("sqlalchemy")) or attr == "exec_driver_sql":
            arg = _first_arg(node)
            if arg is not None and not _is_constant_str(arg) \
                    and ast.unparse(arg) not in reviewed:
                flag(node, f"builds SQL with {last}() of a string that is not a constant")
        if attr == "execute":
            arg = _first_arg(node)
            if _is_built_string(arg) and ast.unparse(arg) not in reviewed:
                flag(node, "executes SQL text built at run time (bind parameters instead)")
    return found


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(PACKAGE).as_posix()
    except ValueError:
        return path


# -- the package -----------------------------------------------------------------------------
def test_the_audit_sees_the_whole_package():
    names = {m.relative_to(PACKAGE).as_posix() for m in MODULES}
    assert {"io/__init__.py", "store/engine.py", "serve.py", "report.py", "ui/shell.py"} <= names
    assert len(names) >= 25
    assert all((PACKAGE / name).exists() for name in DYNAMIC_IMPORTS)


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.relative_to(PACKAGE).as_posix())
def test_no_unsafe_calls(module):
    assert audit(module.read_text(encoding="utf-8"), str(module)) == []


def test_the_store_writes_sql_only_as_expressions():
    """The store's statements are SQLAlchemy expressions: every ``execute`` gets one (a
    ``select``/``insert``/``update``/``delete`` chain or a name bound to one), never text."""
    trees = [ast.parse(path.read_text(encoding="utf-8"))  # every module of workbench/store/
             for path in sorted((PACKAGE / "store").glob("*.py"))]
    calls = [n for tree in trees for n in ast.walk(tree) if isinstance(n, ast.Call)
             and isinstance(n.func, ast.Attribute) and n.func.attr == "execute"]
    assert calls, "the store executes nothing?"
    reviewed = REVIEWED_SQL["store/engine.py"]
    for call in calls:
        arg = call.args[0]
        if _is_constant_str(arg) or ast.unparse(arg) in reviewed:  # a PRAGMA (DB-API cursor)
            assert ast.unparse(call.func.value) == "cursor", ast.unparse(call)
            continue
        assert isinstance(arg, (ast.Call, ast.Name)), ast.unparse(arg)
        if isinstance(arg, ast.Call):
            chain = ast.unparse(arg.func)
            assert any(word in chain for word in ("select", "insert", "update", "delete")), chain


# -- the audit can fail ----------------------------------------------------------------------
BAD = {
    "import pickle": "import pickle\npickle.loads(data)",
    "import pickle as p": "import pickle as p",
    "from pickle import loads": "from pickle import loads",
    "marshal": "import marshal",
    "shelve": "import shelve\nshelve.open(path)",
    "joblib": "from joblib import load",
    "read_pickle": "import pandas as pd\npd.read_pickle(upload)",
    "read_pickle method": "frame = something.read_pickle(upload)",
    "eval": "value = eval(text)",
    "exec": "exec(code)",
    "compile": "compile(src, 'x', 'exec')",
    "__import__": "__import__(name)",
    "builtins.eval": "import builtins\nbuiltins.eval(text)",
    "import_module variable": "import importlib\nimportlib.import_module(name)",
    "import_module f-string": "import importlib\nimportlib.import_module(f'{name}.x')",
    "from importlib": "from importlib import import_module\nimport_module(user)",
    "yaml.load": "import yaml\nyaml.load(stream)",
    "yaml.load Loader": "import yaml\nyaml.load(stream, Loader=yaml.Loader)",
    "yaml.unsafe_load": "import yaml\nyaml.unsafe_load(stream)",
    "yaml.full_load": "import yaml\nyaml.full_load(stream)",
    "np.load allow_pickle": "import numpy as np\nnp.load(f, allow_pickle=True)",
    "np.load allow_pickle var": "import numpy as np\nnp.load(f, allow_pickle=flag)",
    "from numpy import load": "from numpy import load\nload(f, allow_pickle=True)",
    "pandas query": "frame.query(user_filter)",
    "pandas eval": "import pandas as pd\npd.eval(expr)",
    "os.system": "import os\nos.system(cmd)",
    "os.popen": "import os\nos.popen('ls ' + name)",
    "shell=True": "import subprocess\nsubprocess.run(cmd, shell=True)",
    "sa.text f-string": "import sqlalchemy as sa\nsa.text(f\"select * from t where n = '{n}'\")",
    "text %": "from sqlalchemy import text\ntext('select * from t where n = %s' % n)",
    "text +": "from sqlalchemy import text\ntext('select * from t where n = ' + n)",
    "text format": "from sqlalchemy import text\ntext('select {}'.format(n))",
    "literal_column": "import sqlalchemy as sa\nsa.literal_column(name)",
    "exec_driver_sql": "conn.exec_driver_sql(f'drop table {t}')",
    "execute f-string": "conn.execute(f\"select * from t where n = '{n}'\")",
    "execute %": "cursor.execute('select * from t where n = %s' % n)",
    "execute format": "conn.execute('select * from {}'.format(table))",
    "sqlalchemy.text": "import sqlalchemy\nsqlalchemy.text(query)",
}

GOOD = {
    "re.compile": "import re\nre.compile(pattern)",
    "json": "import json\njson.loads(text)",
    "yaml safe": "import yaml\nyaml.load(stream, Loader=yaml.SafeLoader)",
    "yaml safe_load": "import yaml\nyaml.safe_load(stream)",
    "np.load": "import numpy as np\nnp.load(f)\nnp.load(f, allow_pickle=False)",
    "constant import": "import importlib\nimportlib.import_module('json')",
    "constant query": "frame.query('reads > 100')",
    "subprocess list": "import subprocess\nsubprocess.run(['chromium', path], shell=False)",
    "sa.text constant": "import sqlalchemy as sa\nconn.execute(sa.text('select :n'), {'n': n})",
    "select": "import sqlalchemy as sa\nconn.execute(sa.select(t).where(t.c.name == name))",
    "insert": "conn.execute(t.insert().values(name=name, payload=payload))",
    "words in text": "'''never eval, pickle or exec'''\n# eval(x) pickle.loads(y)\nevaluate(x)",
    "method named load": "store.load(kind, name)\nio.load(data, kind)",
    "method named text": "self.text(column, values)\nrecommendation.text(lang)",
    "constant SQL": "cursor.execute('PRAGMA journal_mode = WAL')",
}


@pytest.mark.parametrize("snippet", BAD.values(), ids=BAD.keys())
def test_the_audit_flags_unsafe_code(snippet):
    assert audit(snippet), f"not flagged:\n{snippet}"


@pytest.mark.parametrize("snippet", GOOD.values(), ids=GOOD.keys())
def test_the_audit_passes_safe_code(snippet):
    assert audit(snippet) == []


def test_reviewed_dynamic_imports_are_allowed_only_where_listed():
    code = "import importlib\nimportlib.import_module(f'workbench.ui.{home}')"
    assert audit(code, str(PACKAGE / "ui" / "__init__.py")) == []
    assert audit(code, str(PACKAGE / "io.py"))  # the same line anywhere else is flagged
    elsewhere = "import importlib\nimportlib.import_module(f'os.{home}')"
    assert audit(elsewhere, str(PACKAGE / "ui" / "__init__.py"))


def test_reviewed_sql_is_allowed_only_as_written_and_where_listed():
    begin = "conn.exec_driver_sql(f'BEGIN {mode}'.strip())"
    assert audit(begin, str(PACKAGE / "store" / "engine.py")) == []
    assert audit(begin, str(PACKAGE / "io.py"))
    assert audit("conn.exec_driver_sql(f'BEGIN {mode} {name}'.strip())",
                 str(PACKAGE / "store" / "engine.py"))
    # every reviewed expression is still in its file (a stale entry would hide a new one)
    for name, expressions in REVIEWED_SQL.items():
        tree = ast.parse((PACKAGE / name).read_text(encoding="utf-8"))
        written = {ast.unparse(n) for n in ast.walk(tree) if isinstance(n, ast.expr)}
        assert set(expressions) <= written, set(expressions) - written
