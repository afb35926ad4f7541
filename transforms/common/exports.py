"""What an area package offers, loaded on first use: a module `__getattr__`
(PEP 562) that imports the module defining a name when the name is asked
for, never the whole area.

A Beam worker imports the modules of the steps it unpickles; with eager
area `__init__`s a worker of the reuse steps imported all of text/ with them
(the boilerplate model's modules, langdetect), and on 2 worker processes of
the local runner most runs of the sharded reuse path lost edges or labels,
at a different step each time (docs/architecture.md, "Loaded on first use").
"""
from __future__ import annotations

from importlib import import_module
from typing import Any, Callable, Dict


def lazy_exports(package: str, defined_in: Dict[str, str]) -> Callable[[str], Any]:
    """The `__getattr__` of `package`: `defined_in` maps each public name to
    the module of the package that defines it."""
    def __getattr__(name: str) -> Any:
        module = defined_in.get(name)
        if module is None:
            raise AttributeError(f'module {package!r} has no attribute {name!r}')
        return getattr(import_module(f'{package}.{module}'), name)
    return __getattr__
