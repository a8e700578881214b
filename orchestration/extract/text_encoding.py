"""The one decoder for the text GACC's query platform exports.

The platform writes GBK or GB18030. GB18030 is a superset of GBK (the same two-byte codes, plus
four-byte sequences for every character GBK lacks), so one GB18030 decoder reads both; users
who open and save an export may turn it into UTF-8, with or without a byte-order mark. UTF-8 is
tried first: its rules are strict enough that Chinese GBK text almost never passes them.

The line reader decodes whole files here and the bulk path decides each file's encoding here
(then has iconv transcode it under the codec name returned), so both read a file the same way;
the preliminary table's saved pages are decoded here too, with the charset they declare.
"""

from __future__ import annotations

from orchestration.extract.contract import UnreadableFile

UTF8 = "utf-8"
GB18030 = "gb18030"  # reads GBK too


def decode(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """The text and the codec that read it (UTF8, GB18030, or `declared`: a charset the file
    names for itself, as a saved HTML page does, tried between the two)."""
    for codec in ("utf-8-sig", declared, GB18030):
        if not codec:
            continue
        try:
            return data.decode(codec), UTF8 if codec == "utf-8-sig" else codec
        except LookupError:  # a charset Python does not know is no charset
            continue
        except UnicodeDecodeError as error:
            failed = error
    raise UnreadableFile(
        f"neither UTF-8 nor GBK/GB18030 text (undecodable byte at offset {failed.start})"
    ) from None


def decode_first_line(head: bytes) -> tuple[str, str] | None:
    """The first line of a file's first bytes (without its line end) and its codec, as
    `decode` reads the file; None when the line is in neither encoding.

    A head with no line end in it is one line cut short, perhaps inside a multi-byte
    character: up to three bytes of such a cut character are left off.
    """
    line = head.split(b"\n", 1)[0].rstrip(b"\r")
    cut_bytes = 0 if b"\n" in head else 3
    for end in range(len(line), max(len(line) - cut_bytes, 0) - 1, -1):
        try:
            return decode(line[:end])
        except UnreadableFile:
            continue
    return None
