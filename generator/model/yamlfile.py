"""Plan files edited in place: ruamel round-trip data written back with the file's own comments,
key order, quoting and layout (used by `vanban new` and `vanban import-xlsx`)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap
from ruamel.yaml.scalarstring import ScalarString

from generator.compute.figures import PlanFigures
from generator.errors import DataPath
from generator.files import write_files
from generator.model.loader import parse_yaml, read_text, validate_data

#: (mapping, sequence, offset) indentations tried, in order, to reproduce a file byte for byte.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 3, 1))


@dataclass
class YamlFile:
    """A plan file held as ruamel round-trip data; `dump` writes it back in the file's own layout."""

    path: Path
    text: str
    data: CommentedMap
    yaml: YAML
    newline: str

    @classmethod
    def read(cls, path: Path) -> YamlFile:
        """Read and parse (errors as PlanError), with the indentation that reproduces the file
        (the first of _LAYOUTS when none does)."""
        path = Path(path)
        text = read_text(path)
        parse_yaml(text, path)  # Vietnamese syntax errors with line and column
        newline = "\r\n" if "\r\n" in text else "\n"
        plain = text.replace("\r\n", "\n")
        candidates = [_round_trip_yaml(layout) for layout in _LAYOUTS]
        yaml = next((y for y in candidates if _dump(y, y.load(plain)) == plain), candidates[0])
        return cls(path, text, yaml.load(plain), yaml, newline)

    def dump(self) -> str:
        return _dump(self.yaml, self.data).replace("\n", self.newline)

    def compute(self, source: Path | None = None) -> PlanFigures:
        """The current data validated and computed (PlanError when it is not a valid plan)."""
        from generator.compute.located import compute_loaded

        return compute_loaded(validate_data(self.data, source or self.path))

    def positions(self) -> dict[DataPath, tuple[int, int]]:
        """Line and column of every value in the dumped text (the file as it will be written)."""
        return validate_data(parse_yaml(self.dump(), self.path), self.path).positions


def _round_trip_yaml(layout: tuple[int, int, int]) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap long lines
    mapping, sequence, offset = layout
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, data: object) -> str:
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def write_new_file(path: Path, text: str) -> Path:
    """Write one text file atomically (temporary name, then renamed into place)."""
    path = Path(path)
    return write_files(path.parent, {path.name: text.encode("utf-8")})[0]


def same_style(old: object, new: object) -> object:
    """`new` keeping `old`'s quoting style when both are text."""
    if isinstance(old, ScalarString) and isinstance(new, str) and not isinstance(new, ScalarString):
        return type(old)(new)
    return new


def new_map(*, flow: bool = False) -> CommentedMap:
    """An empty mapping made in code (with the empty position data the loader reads)."""
    node = CommentedMap()
    node.lc.data = {}
    if flow:
        node.fa.set_flow_style()
    return node


def strings(node: object, path: DataPath = ()) -> Iterator[tuple[object, str | int, DataPath, str]]:
    """Every text value of the data as (container, key, path, text); mapping keys are not values."""
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        child = (*path, key)
        if isinstance(value, str):
            yield node, key, child, value
        else:
            yield from strings(value, child)
