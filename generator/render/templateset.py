"""Own template sets (`mau:` in the plan, or `build --mau DIR`): a folder holding the templates a
plan renders with (ke-hoach.docx, phu-luc-1.docx, phu-luc-2.docx, phu-luc.docx — copies of the
default set edited in Word). A set is checked before anything is rendered: a missing folder or
file, a file that is not a Word document, or a template whose tags are wrong (docxtpl-lint, the
errors of `vanban lint-template`) stops the build with the template's name and the tag.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from generator.compute.figures import PlanFigures
from generator.render.renderer import TemplateProblem, _template_contexts


def template_folder(plan_path: Path | None, mau: str | None, override: Path | None) -> Path | None:
    """The folder of the plan's own set: --mau as given, else `mau:` relative to the plan file; None: the default set."""
    if override is not None:
        return Path(override)
    if mau is None:
        return None
    folder = Path(mau)
    return folder if folder.is_absolute() or plan_path is None else Path(plan_path).parent / folder


def check_template_set(folder: Path, figures: PlanFigures) -> None:
    """Every template the plan needs is in `folder`, is a Word file and lints without error."""
    from generator.render.lint import lint_template

    if not folder.is_dir():
        raise TemplateProblem(f"không tìm thấy thư mục bộ mẫu {folder} (mau: trong kế hoạch hoặc --mau)")
    for name in dict.fromkeys(template for _, template, _ in _template_contexts(figures.plan)):
        path = folder / name
        if not path.is_file():
            raise TemplateProblem(
                f"bộ mẫu {folder} thiếu tệp {name}: chép tệp này từ bộ mẫu mặc định (thư mục templates/) rồi sửa"
            )
        if not zipfile.is_zipfile(path):
            raise TemplateProblem(
                f"mẫu {path}: không phải tệp Word .docx (có thể bị hỏng); lưu lại bằng Word dưới dạng .docx"
            )
        try:
            findings = lint_template(path, figures)
        except Exception as exc:  # docxtpl-lint cannot open it: not a usable template
            raise TemplateProblem(f"mẫu {path}: không đọc được ({exc})") from None
        errors = [finding for finding in findings if finding.severity == "error"]
        if errors:
            raise TemplateProblem(f"mẫu {path}: thẻ sai — " + "; ".join(str(f) for f in errors[:3]))
