"""The layout stays what docs/architecture.md describes: transforms/ made of
area packages, imports that run one way, no module reaching into another's
private names, modules small enough to read, the graph built from the areas'
named steps, and a README a newcomer can read."""
import ast
import importlib
from pathlib import Path

import pytest

from tests.conftest import REPO

ROOTS = ('pipeline', 'transforms', 'schemas')
AREAS = ('read', 'html', 'text', 'reuse', 'write', 'common', 'replicas')
MAX_LINES = 700


def project_modules() -> dict:
    """module name -> path, for every module of the package roots."""
    modules = {}
    for root in ROOTS:
        for path in (REPO / root).rglob('*.py'):
            name = '.'.join(path.relative_to(REPO).with_suffix('').parts)
            modules[name.removesuffix('.__init__')] = path
    return modules


def imports_of(name: str, path: Path, modules: dict):
    """(imported module, imported name or None) of every import in a module,
    at any depth (a function's own imports count too)."""
    package = name if path.name == '__init__.py' else name.rsplit('.', 1)[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ''
            if node.level:
                parts = package.split('.')[:len(package.split('.')) - node.level + 1]
                base = '.'.join(parts + ([base] if base else []))
            for alias in node.names:
                if f'{base}.{alias.name}' in modules:        # a module of a package
                    yield f'{base}.{alias.name}', None
                elif base in modules and base != name:       # a name of a module
                    yield base, alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules and alias.name != name:
                    yield alias.name, None


@pytest.fixture(scope='module')
def graph():
    modules = project_modules()
    return modules, {name: list(imports_of(name, path, modules)) for name, path in modules.items()}


def test_no_import_circle(graph):
    _, imports = graph
    edges = {name: {target for target, _ in found} for name, found in imports.items()}
    state = {}

    def visit(node, trail):
        state[node] = 'open'
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 'open':
                raise AssertionError('import circle: ' + ' -> '.join(trail[trail.index(nxt):] + [nxt]))
            if nxt not in state:
                visit(nxt, trail + [nxt])
        state[node] = 'done'

    for name in sorted(edges):
        if name not in state:
            visit(name, [name])


def test_no_module_imports_another_modules_private_names(graph):
    _, imports = graph
    private = [f'{name} imports {imported} from {target}' for name, found in imports.items()
               for target, imported in found if imported and imported.startswith('_') and not imported.startswith('__')]
    assert private == []


def test_modules_are_small_enough_to_read(graph):
    modules, _ = graph
    long = {name: n for name, path in modules.items() if (n := len(path.read_text().splitlines())) > MAX_LINES}
    assert long == {}


def test_transforms_is_made_of_the_area_packages():
    transforms = REPO / 'transforms'
    assert sorted(p.name for p in transforms.glob('*.py')) == ['__init__.py']
    packages = sorted(p.name for p in transforms.iterdir() if (p / '__init__.py').exists())
    assert packages == sorted(AREAS)


@pytest.mark.parametrize('area', ['read', 'html', 'text', 'reuse', 'write'])
def test_each_area_names_the_steps_it_offers(area):
    """Every name an area's __init__ offers exists, and its steps are Beam
    PTransforms defined in a module of that area, named in its docstring."""
    import apache_beam as beam
    package = importlib.import_module(f'transforms.{area}')
    assert package.__all__ and package.__doc__
    steps = [getattr(package, name) for name in package.__all__
             if isinstance(getattr(package, name), type) and issubclass(getattr(package, name), beam.PTransform)]
    assert steps, area
    for step in steps:
        assert step.__module__.startswith(f'transforms.{area}.'), step
        assert step.__name__ in package.__doc__, step


def test_the_graph_takes_its_steps_from_the_areas():
    tree = ast.parse((REPO / 'pipeline' / 'graph.py').read_text())
    from_transforms = [node.module for node in ast.walk(tree)
                       if isinstance(node, ast.ImportFrom) and (node.module or '').startswith('transforms')]
    areas = {f'transforms.{area}' for area in AREAS}
    assert from_transforms and set(from_transforms) <= areas | {'transforms.common.progress'}


def test_architecture_doc_names_every_module(graph):
    modules, _ = graph
    doc = (REPO / 'docs' / 'architecture.md').read_text()
    missing = [name for name, path in modules.items()
               if name.startswith('transforms.') and path.name != '__init__.py' and f'`{path.name}`' not in doc]
    assert missing == []


def test_readme_is_short_and_its_links_resolve():
    import re
    readme = (REPO / 'README.md').read_text()
    assert len(readme) <= 15_000
    for target in re.findall(r'\]\(([^)#]+)(?:#[^)]*)?\)', readme):
        if '://' not in target:
            assert (REPO / target).exists(), target
