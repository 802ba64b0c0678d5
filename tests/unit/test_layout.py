"""The package's layout: stages in data-flow order, and no reach into another module's privates.

The rules, checked on the source with :mod:`ast` (nothing is imported):

1. **Stage order.** The stages run config → model → outputs → runs → experiments → present →
   cli, and every ``valuechain.*`` import (``import x`` or ``from x import y``, at the top of a
   module or inside a function) goes to the importer's own stage or an earlier one.
   ``valuechain.errors`` and the package root (for ``__version__``) come before every stage;
   ``__main__`` is the command line's entry point, so it sits with cli. Imports under
   ``if TYPE_CHECKING:`` are checked too: an annotation naming a later stage's type is a
   dependency on that stage all the same, and no module needs one. The one accepted
   exception: ``model/model.py``'s last phase calls :mod:`valuechain.outputs.indicators`.
2. **No private reach-ins.** No module imports a ``_private`` name from another module
   (``from x import _y``), or reaches one through a module it imported (``import x`` then
   ``x._y``); dunders such as ``__all__`` are not private. A ``_private`` module is private
   to its package: it may be imported only from inside that package (so
   ``valuechain.model.kernels.households`` may import ``valuechain.model.kernels._jit``'s
   public ``jit``; nothing outside ``kernels`` may).
3. **The listing reads as the stages.** ``src/valuechain`` holds exactly the stage folders
   plus ``cli.py``, ``errors.py``, ``__init__.py`` and ``__main__.py``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"
PACKAGE = SRC / "valuechain"

#: The stages in data-flow order; a module imports from its own stage or an earlier one.
STAGES = ("config", "model", "outputs", "runs", "experiments", "present", "cli")
#: Top-level modules that are not stages, and the stage they belong with (None: before all).
NOT_STAGES = {"errors": None, "__init__": None, "__main__": "cli"}
#: (importer, imported) pairs allowed to go against the order.
ACCEPTED = {("valuechain.model.model", "valuechain.outputs.indicators")}


def module_name(path: Path, src: Path = SRC) -> str:
    """The dotted name of a source file (``pkg/__init__.py`` is ``pkg``)."""
    parts = list(path.relative_to(src).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def rank(module: str) -> int:
    """The position of a ``valuechain`` module's stage in the data flow (-1: before all)."""
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    if top in NOT_STAGES:
        stage = NOT_STAGES[top]
        return -1 if stage is None else STAGES.index(stage)
    return STAGES.index(top)


def is_private(name: str) -> bool:
    """``_name`` is private; ``__name__`` (a dunder) is not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def imports(path: Path, src: Path = SRC) -> list[tuple[int, str, str | None]]:
    """Every ``valuechain`` import of a file: (line, module, name or None for ``import x``).

    ``from valuechain.a import b`` where ``b`` is itself a module is reported as an import of
    ``valuechain.a.b`` (name None), so a subpackage import counts as its own stage. A use
    ``m._y`` of a module ``m`` the file imported is reported as an import of ``_y`` from it.
    """
    here = module_name(path, src)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    tree = ast.parse(path.read_text("utf-8"), str(path))
    found = []
    modules = {}  # local name -> the module bound to it
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                found.append((node.lineno, a.name, None))
                top = a.name.partition(".")[0]  # `import a.b` binds a; `import a.b as m`, a.b
                modules[a.asname or top] = a.name if a.asname else top
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the importer's package
                anchor = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for a in node.names:
                sub = src.joinpath(*base.split("."), a.name)
                if sub.is_dir() or sub.with_suffix(".py").is_file():
                    found.append((node.lineno, f"{base}.{a.name}", None))
                    modules[a.asname or a.name] = f"{base}.{a.name}"
                else:
                    found.append((node.lineno, base, a.name))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
        ):
            found.append((node.lineno, modules[node.value.id], node.attr))
    return sorted(f for f in found if f[1] == "valuechain" or f[1].startswith("valuechain."))


def layout_problems(src: Path = SRC) -> list[str]:
    """Every breach of rules 1 and 2 under ``src/valuechain``, one line each."""
    problems = []
    for path in sorted((src / "valuechain").rglob("*.py")):
        here = module_name(path, src)
        where = path.relative_to(src)
        for line, target, name in imports(path, src):
            if rank(target) > rank(here) and (here, target) not in ACCEPTED:
                problems.append(f"{where}:{line}: {here} imports {target}, a later stage")
            if name is not None and is_private(name) and target != here:
                problems.append(f"{where}:{line}: {here} imports {target}'s private {name}")
            private = [p for p in target.split(".") if is_private(p)]
            if private:
                owner = target.split(".")[: target.split(".").index(private[0])]
                if not (here + ".").startswith(".".join(owner) + "."):
                    problems.append(
                        f"{where}:{line}: {here} imports {target}, private to {'.'.join(owner)}"
                    )
            if target == "valuechain" and name not in (None, "__version__"):
                problems.append(
                    f"{where}:{line}: {here} imports {name} through the package root; "
                    "import it from the module that owns it"
                )
    return problems


def test_every_import_follows_the_stage_order_and_leaves_privates_alone() -> None:
    assert layout_problems() == []


def _has_source(path: Path) -> bool:
    """A file, or a folder holding a file outside ``__pycache__``. A folder of nothing but
    compiled caches is what an old checkout keeps after a move (git removes the sources, not
    the caches); it is not part of the package."""
    if path.is_file():
        return True
    return any(f.is_file() and "__pycache__" not in f.parts for f in path.rglob("*"))


def test_the_top_level_listing_is_the_stages_and_four_files() -> None:
    listing = {p.name for p in PACKAGE.iterdir() if p.name != "__pycache__" and _has_source(p)}
    want = {*STAGES[:-1], "cli.py", "errors.py", "__init__.py", "__main__.py"}
    assert listing == want
    assert all((PACKAGE / s / "__init__.py").is_file() for s in STAGES[:-1])


# --------------------------------------------------------------------------- the checker itself


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A hand-made ``src/valuechain`` with the given files (and empty stage packages)."""
    src = tmp_path / "src"
    for stage in STAGES[:-1]:
        (src / "valuechain" / stage).mkdir(parents=True, exist_ok=True)
        (src / "valuechain" / stage / "__init__.py").write_text("")
    (src / "valuechain" / "__init__.py").write_text("")
    for name, text in files.items():
        (src / "valuechain" / name).parent.mkdir(parents=True, exist_ok=True)
        (src / "valuechain" / name).write_text(text)
    return src


@pytest.mark.parametrize(
    ("files", "says"),
    [
        ({"runs/a.py": "from valuechain.present.figures import save_figure\n"}, "later stage"),
        ({"runs/a.py": "def f():\n    import valuechain.experiments.sweep\n"}, "later stage"),
        ({"runs/a.py": "from valuechain import present\n"}, "later stage"),
        ({"outputs/a.py": "from ..runs import results\n"}, "later stage"),
        (
            {
                "model/a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                "    from valuechain.outputs.metrics import Metric\n"
            },
            "later stage",
        ),
        ({"model/b.py": "from valuechain.outputs.indicators import summarise\n"}, "later stage"),
        ({"runs/a.py": "from valuechain.runs.results import _hidden\n"}, "private _hidden"),
        (
            {"runs/r.py": "", "runs/a.py": "from valuechain.runs import r\nr._hidden()\n"},
            "private _hidden",
        ),
        (
            {"runs/r.py": "", "runs/a.py": "import valuechain.runs.r as m\nm._hidden()\n"},
            "private _hidden",
        ),
        ({"runs/a.py": "from valuechain.model.kernels._jit import jit\n"}, "private to"),
        ({"config/a.py": "from valuechain import run_experiment\n"}, "package root"),
    ],
)
def test_the_checker_finds_each_kind_of_breach(tmp_path: Path, files: dict, says: str) -> None:
    problems = layout_problems(_tree(tmp_path, files))
    assert len(problems) == 1 and says in problems[0], problems


def test_the_checker_allows_earlier_stages_and_the_accepted_exception(tmp_path: Path) -> None:
    src = _tree(
        tmp_path,
        {
            "errors.py": "",
            "cli.py": "from valuechain import __version__\nfrom valuechain.errors import E\n",
            "__main__.py": "from valuechain.cli import main\n",
            "present/a.py": "from valuechain.experiments.sweep import R\nfrom . import b\n",
            "model/model.py": "def f():\n    from valuechain.outputs.indicators import rows\n",
            "model/kernels/_jit.py": "",
            "model/kernels/m.py": "from valuechain.model.kernels._jit import jit as _jit\n",
            "config/__init__.py": "from valuechain.config.s import __all__ as _names\n",
        },
    )
    assert layout_problems(src) == []
