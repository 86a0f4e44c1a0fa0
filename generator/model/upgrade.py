"""`vanban nang-cap`: an old plan file (phu_luc_1:, phu_luc_2:) rewritten to the appendix list.

phu_luc_1 becomes the danh_sach with id phu_luc_1 and phu_luc_2 the du_toan with id phu_luc_2, in
that order, so every reference ({=phu_luc_1.tong}, =phu_luc_2.tong) keeps its meaning and the
documents built are the same. The file keeps its comments, key order and layout (ruamel round trip).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from generator.model.yamlfile import YamlFile, new_map

#: Old top-level key → the kind of appendix it becomes (its id stays the key).
OLD_KEYS = {"phu_luc_1": "danh_sach", "phu_luc_2": "du_toan"}


@dataclass
class Upgrade:
    """The rewritten text, and what was changed (Vietnamese lines for the clerk)."""

    text: str
    changes: list[str]


def upgrade(path: Path) -> Upgrade:
    """The plan file at `path` in the new shape; `changes` is empty when it already is. The result is
    validated and computed before it is returned (PlanError when it would not build)."""
    document = YamlFile.read(path)
    data = document.data
    old = [key for key in data if key in OLD_KEYS]
    if not old:
        return Upgrade(document.text, [])
    appendices = CommentedSeq()
    changes = []
    for n, key in enumerate(old):
        body = data[key]
        item = body if isinstance(body, CommentedMap) else new_map()
        item.insert(0, "id", key)
        item.insert(1, "loai", OLD_KEYS[key])
        appendices.append(item)
        changes.append(f"{key}: → phu_luc[{n}] (id: {key}, loai: {OLD_KEYS[key]}); tham chiếu {{={key}.…}} giữ nguyên")
    position = list(data).index(old[0])
    for key in old:
        del data[key]
    data.insert(position, "phu_luc", appendices)
    document.compute()  # the upgraded data must still build
    return Upgrade(document.dump(), changes)
