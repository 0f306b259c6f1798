"""Decode ESC/POS bytes into what the paper says, for tests (the decoder lives with the simulator)."""

from __future__ import annotations

from devices.simulators.escpos_decoder import (  # noqa: F401  re-exported for tests
    CLONE_CODE_PAGES,
    EPSON_CODE_PAGES,
    Document,
    Line,
    decode,
    paper_text,
)


def only_document(data: bytes) -> Document:
    """Return the one document the bytes print, failing when there is not exactly one."""
    docs = [d for d in decode(data) if d.lines]
    assert len(docs) == 1, f"expected one printed document, got {len(docs)}:\n" + "\n--8<--\n".join(d.text for d in docs)
    return docs[0]
