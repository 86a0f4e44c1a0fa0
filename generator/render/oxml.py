"""The OOXML layer under `render`, one import for its callers: document.xml as text (`textpath`) and as
a tree (`treepath`), the well-formedness proof and checks (`wellformed`), zip entries (`docxzip`),
WordprocessingML names (`wordml`).

`render` fills templates and gets the text of document.xml; what docxtpl's render() and save make of
that text (parse, fix tables, renumber drawings, serialise with lxml) is done here on the text
itself when the document is simple enough to follow exactly (`as_saved`), else on the lxml tree
(`through_tree`). Both give the same characters: lxml's serialisation rules are few (quotes in text
unescaped, empty elements closed), and a document with structures the text path does not follow
(nested tables, text boxes, content controls, tracked changes) goes through the tree.
"""

from __future__ import annotations

from generator.render.docxzip import (  # noqa: F401
    DEFLATE_LEVEL,
    ZIP_DATE,
    Deflated,
    ZipStream,
    write_zip,
    zip_entries,
)
from generator.render.textpath import (  # noqa: F401
    TEMPLATE_TAG,
    TextFilling,
    as_saved,
    join_bodies,
    tables_regular,
    text_filling,
)
from generator.render.treepath import (  # noqa: F401
    size_rules,
    tables_need_fixing,
)
from generator.render.wellformed import (  # noqa: F401
    MARKUP_OR_TAG,
    always_well_formed,
    character_error,
    xml_error,
)
from generator.render.wordml import (  # noqa: F401
    PREFIXES,
    RULE_STYLE,
    RULED_STYLES,
    WP,
    XML_DECLARATION,
    R,
    W,
)

__all__ = [
    "DEFLATE_LEVEL",
    "Deflated",
    "MARKUP_OR_TAG",
    "PREFIXES",
    "R",
    "RULED_STYLES",
    "RULE_STYLE",
    "TEMPLATE_TAG",
    "TextFilling",
    "W",
    "WP",
    "XML_DECLARATION",
    "ZIP_DATE",
    "ZipStream",
    "always_well_formed",
    "as_saved",
    "character_error",
    "join_bodies",
    "size_rules",
    "tables_need_fixing",
    "tables_regular",
    "text_filling",
    "write_zip",
    "xml_error",
    "zip_entries",
]
