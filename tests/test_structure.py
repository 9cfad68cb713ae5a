"""Where code lives (docs/ARCHITECTURE.md): the apps in layers, each importing only those
below it; no import of another app hidden inside a function; no module over 500 lines."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# The project's apps, lowest layer first, as INSTALLED_APPS lists them.
LAYERS = [app for app in settings.INSTALLED_APPS if (ROOT / app / "apps.py").exists()]
MAX_LINES = 500
# An import of another app inside a function, each with a comment saying why a registry
# does not fit: at most this many in the whole project (issue: one home for each rule).
MAX_INNER_IMPORTS = 10


def _modules():
    for app in [*LAYERS, "config"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" not in path.parts:
                yield app, path


def _imported_apps(node, app):
    if isinstance(node, ast.Import):
        names = [alias.name for alias in node.names]
    elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        names = [node.module]
    else:
        return []
    return [name.split(".")[0] for name in names if name.split(".")[0] in LAYERS]


def test_the_layers_are_the_documented_ones():
    assert LAYERS == [
        "core",
        "audit",
        "accounts",
        "notifications",
        "imports",
        "outreach",
        "programs",
        "concerns",
        "surveys",
        "reports",
        "desk",
    ]


def test_each_app_imports_only_the_layers_below_it():
    upward = []
    for app, path in _modules():
        if app == "config":
            continue  # settings and the root URLs sit above every app
        level = LAYERS.index(app)
        for node in ast.walk(ast.parse(path.read_text())):
            for other in _imported_apps(node, app):
                if LAYERS.index(other) > level:
                    upward.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {other}")
    assert upward == [], "\n".join(upward)


def test_core_holds_no_models():
    from django.apps import apps

    assert list(apps.get_app_config("core").get_models()) == []


def test_no_import_of_another_app_hides_inside_a_function_without_a_reason():
    inner = []
    for app, path in _modules():
        source = path.read_text()
        lines = source.splitlines()
        for function in ast.walk(ast.parse(source)):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if any(other != app for other in _imported_apps(node, app)):
                    line = lines[node.lineno - 1]
                    where = f"{path.relative_to(ROOT)}:{node.lineno}"
                    inner.append((where, "#" in line))
    assert len(inner) <= MAX_INNER_IMPORTS, inner
    assert [where for where, explained in inner if not explained] == []


def test_no_module_is_longer_than_500_lines():
    long = [
        f"{path.relative_to(ROOT)}: {n} lines"
        for _app, path in _modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    ]
    assert long == []
