"""The papers around a plan (giấy tờ): Tờ trình, Quyết định, Giấy mời, Báo cáo kết quả, Công văn,
Thông báo — made from the same data as the plan, with its figures, number and date.

model.py validates the plan file's `giay_to:` section; figures.py is the one adapter reading the
plan's computed figures; contexts.py makes each paper's template context; build.py renders them
with their Phụ lục VI metadata (metadata.py) and the Giấy mời zip.
"""
