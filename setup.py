"""Packaging step of vanban (the project's metadata is in pyproject.toml).

The templates are edited in the top-level ``templates/`` folder and the bundled example plan lives in
``data/``; a built distribution (wheel, ``pip install .``, pipx) carries copies of them inside the
package as ``generator/templates/*.docx`` and ``generator/vi_du/*.yaml``, read with
``importlib.resources`` (``generator/resources.py``). The copies are made here, at build time, so there
is exactly one checked-in version of each file. A source checkout or an editable install has no copies
and reads the top-level folders directly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
#: (source folder, file pattern, folder inside the `generator` package)
BUNDLED = (("templates", "*.docx", "templates"), ("data", "kien-tuong-2024.yaml", "vi_du"))


class BuildPyWithBundledFiles(build_py):
    """build_py, then the bundled files copied into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the source folders
        for source, pattern, target in BUNDLED:
            folder = Path(self.build_lib, "generator", target)
            folder.mkdir(parents=True, exist_ok=True)
            for path in sorted((HERE / source).glob(pattern)):
                shutil.copyfile(path, folder / path.name)


setup(cmdclass={"build_py": BuildPyWithBundledFiles})
