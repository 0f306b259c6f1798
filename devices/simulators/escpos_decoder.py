"""Turn ESC/POS bytes back into what the paper shows: lines with their style, split at cuts.

Written from the ESC/POS command reference, independently of python-escpos, so tests
that decode what the driver sent check the driver rather than repeat it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ESC, GS, DLE, FS, LF = 0x1B, 0x1D, 0x10, 0x1C, 0x0A
# ESC t n -> Python codec, as numbered by Epson (python-escpos's "default" profile).
EPSON_CODE_PAGES = {0: "cp437", 2: "cp850", 3: "cp860", 4: "cp863", 5: "cp865", 16: "cp1252", 17: "cp866",
                    18: "cp852", 19: "cp858", 40: "iso8859-15", 45: "cp1250", 46: "cp1251"}
# Clones such as the POS-5890 number them differently.
CLONE_CODE_PAGES = {0: "cp437", 2: "cp850", 16: "cp1252", 53: "cp858"}
# Arguments each command takes after its letter, when a fixed count.
_ESC_ARGS = {ord("!"): 1, ord("E"): 1, ord("a"): 1, ord("{"): 1, ord("-"): 1, ord("M"): 1, ord("G"): 1, ord("R"): 1,
             ord("3"): 1, ord("2"): 0, ord("d"): 1, ord("J"): 1, ord("t"): 1, ord("p"): 3, ord("@"): 0, ord("V"): 1,
             ord("c"): 2, ord("="): 1, ord("U"): 1, ord(" "): 1}
_GS_ARGS = {ord("!"): 1, ord("B"): 1, ord("b"): 1, ord("H"): 1, ord("f"): 1, ord("h"): 1, ord("w"): 1,
            ord("L"): 2, ord("W"): 2, ord("a"): 1, ord("r"): 1}


@dataclass
class Line:
    """One printed line and how it looked."""

    text: str
    bold: bool = False
    width: int = 1
    height: int = 1
    align: str = "left"
    invert: bool = False

    @property
    def big(self) -> bool:
        """Tell whether the line was printed larger than normal."""
        return self.width > 1 or self.height > 1


@dataclass
class Document:
    """Everything printed up to one cut (or up to the end of the bytes)."""

    lines: list[Line] = field(default_factory=list)
    qr_codes: list[str] = field(default_factory=list)
    drawer_kicks: list[int] = field(default_factory=list)
    cut: bool = False

    @property
    def text(self) -> str:
        """Return the document's text, one printed line per line."""
        return "\n".join(line.text for line in self.lines)

    def has_line(self, text: str) -> bool:
        """Tell whether a line contains text."""
        return any(text in line.text for line in self.lines)

    def line_with(self, text: str) -> Line:
        """Return the first line containing text."""
        for line in self.lines:
            if text in line.text:
                return line
        raise AssertionError(f"no line contains {text!r}:\n{self.text}")


@dataclass
class _Style:
    bold: bool = False
    width: int = 1
    height: int = 1
    align: str = "left"
    invert: bool = False
    codec: str = "cp437"


class _Decoder:
    def __init__(self, code_pages: dict[int, str], codec: str = "cp437") -> None:
        self.code_pages = code_pages
        self.docs = [Document()]
        self.style = _Style(codec=codec)
        self.cut_docs = 0  # documents ended by a cut whose bytes all came; the byte just past it; the code page there
        self.cut_end = 0
        self.cut_codec = codec
        self.buffer = bytearray()
        self.line_style = _Style()
        self.status_queries = 0

    def flush(self) -> None:
        doc = self.docs[-1]
        s = self.line_style
        doc.lines.append(Line(bytes(self.buffer).decode(s.codec, errors="replace"), s.bold, s.width, s.height, s.align, s.invert))
        self.buffer.clear()

    def char(self, byte: int) -> None:
        if not self.buffer:
            self.line_style = _Style(**vars(self.style))
        self.buffer.append(byte)

    def cut(self) -> None:
        if self.buffer:
            self.flush()
        self.docs[-1].cut = True
        self.docs.append(Document())

    def run(self, data: bytes) -> list[Document]:
        i, n = 0, len(data)
        while i < n:
            b = data[i]
            if b == LF:
                self.flush()
                i += 1
            elif b in (ESC, GS) and i + 1 < n:
                cuts = len(self.docs)
                i = self.esc(data, i) if b == ESC else self.gs(data, i)
                if len(self.docs) > cuts and i <= n:  # a cut whose argument is still on its way counts next time
                    self.cut_docs, self.cut_end, self.cut_codec = len(self.docs) - 1, i, self.style.codec
            elif b == DLE and i + 2 < n and data[i + 1] == 0x04:
                self.status_queries += 1
                i += 3
            elif b == FS and i + 1 < n:
                i += 2
            elif b == 0x0D or b < 0x20 and b != 0x09:
                i += 1
            else:
                self.char(0x20 if b == 0x09 else b)
                i += 1
        if self.buffer:
            self.flush()
        docs = [d for d in self.docs if d.lines or d.qr_codes or d.drawer_kicks or d.cut]
        return docs

    def esc(self, data: bytes, i: int) -> int:
        cmd = data[i + 1]
        arg = data[i + 2] if i + 2 < len(data) else 0
        if cmd == ord("@"):
            self.style = _Style(codec=self.style.codec)
        elif cmd == ord("!"):
            self.style.bold = bool(arg & 0x08)
            self.style.height = 2 if arg & 0x10 else 1
            self.style.width = 2 if arg & 0x20 else 1
        elif cmd == ord("E"):
            self.style.bold = bool(arg & 1)
        elif cmd == ord("a"):
            self.style.align = {0: "left", 1: "center", 2: "right", 48: "left", 49: "center", 50: "right"}.get(arg, "left")
        elif cmd == ord("t"):
            self.style.codec = self.code_pages.get(arg, "cp437")
        elif cmd == ord("p"):
            self.docs[-1].drawer_kicks.append(5 if arg in (1, 49) else 2)
        elif cmd in (ord("i"), ord("m")):
            self.cut()
            return i + 2
        return i + 2 + _ESC_ARGS.get(cmd, 0)

    def gs(self, data: bytes, i: int) -> int:
        cmd = data[i + 1]
        arg = data[i + 2] if i + 2 < len(data) else 0
        if cmd == ord("!"):
            self.style.width = (arg >> 4) + 1
            self.style.height = (arg & 0x0F) + 1
        elif cmd == ord("B"):
            self.style.invert = bool(arg & 1)
        elif cmd == ord("V"):
            self.cut()
            return i + 3 + (1 if arg in (65, 66) else 0)
        elif cmd == ord("(") and i + 4 < len(data):
            length = data[i + 3] | data[i + 4] << 8
            body = data[i + 5:i + 5 + length]
            if data[i + 2] == ord("k") and len(body) >= 3 and body[1] == 80:
                self.docs[-1].qr_codes.append(body[3:].decode("latin-1"))
            return i + 5 + length
        elif cmd == ord("k"):
            if arg <= 6:
                end = data.index(0, i + 3) if 0 in data[i + 3:] else len(data)
                return end + 1
            return i + 4 + data[i + 3]
        elif cmd == ord("v") and i + 7 < len(data):
            width = data[i + 4] | data[i + 5] << 8
            height = data[i + 6] | data[i + 7] << 8
            self.docs[-1].lines.append(Line("[image]"))
            return i + 8 + width * height
        return i + 2 + _GS_ARGS.get(cmd, 0)


def decode(data: bytes, code_pages: dict[int, str] | None = None) -> list[Document]:
    """Return the documents the bytes print, split at each cut."""
    return _Decoder(code_pages or EPSON_CODE_PAGES).run(bytes(data))


def decode_cut(data: bytes, code_pages: dict[int, str] | None = None,
               codec: str = "cp437") -> tuple[list[Document], int, str]:
    """Return the documents the bytes print up to their last cut, the bytes those took, and the code page then.

    For a printer that keeps printing: decode the next bytes from where this stopped, with the code page it gave.
    """
    decoder = _Decoder(code_pages or EPSON_CODE_PAGES, codec)
    decoder.run(bytes(data))
    return decoder.docs[:decoder.cut_docs], decoder.cut_end, decoder.cut_codec


def paper_text(data: bytes, code_pages: dict[int, str] | None = None) -> str:
    """Return all printed text, documents separated by a line of scissors."""
    return "\n--8<--\n".join(doc.text for doc in decode(data, code_pages))
