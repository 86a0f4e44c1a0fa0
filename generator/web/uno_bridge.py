"""Run by LibreOffice's own Python (the one that has `uno`), not by vanban's: connects to the office
the workspace started and converts .docx to PDF on request, one JSON line in, one JSON line out.

Standard library and uno only: this file must not import vanban.
"""

import json
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def _prop(name, value):
    prop = PropertyValue()
    prop.Name, prop.Value = name, value
    return prop


def _connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            return context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
        except Exception:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _answer(reply: dict) -> None:
    """One JSON line to the workspace (this program's protocol on its standard output)."""
    sys.stdout.write(json.dumps(reply) + "\n")
    sys.stdout.flush()


def main(pipe):
    desktop = _connect(pipe)
    _answer({"ok": True})
    for line in sys.stdin:
        request = json.loads(line)
        try:
            document = desktop.loadComponentFromURL(
                uno.systemPathToFileUrl(request["in"]), "_blank", 0, (_prop("Hidden", True), _prop("ReadOnly", True))
            )
            try:
                document.storeToURL(
                    uno.systemPathToFileUrl(request["out"]), (_prop("FilterName", "writer_pdf_Export"),)
                )
            finally:
                document.close(True)
            _answer({"ok": True})
        except Exception as exc:  # noqa: BLE001 — reported to the workspace, which restarts the office
            _answer({"ok": False, "error": str(exc)})


if __name__ == "__main__":
    main(sys.argv[1])
