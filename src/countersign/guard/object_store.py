"""Git's object store read in-process, every object's hash checked against its id: the guard's
protected settings and packs come from here, so neither a cache file nor an object rewritten in
``.git/objects`` (both writable by the agent) can change what the protected commit says.

Loose objects, pack files (version 2 indexes, both delta kinds) and alternates; SHA-1 only.
``read`` answers None when an object is not found in a form it reads (the caller then asks git,
or takes the full path) and raises ``Corrupt`` when what it found does not hash to its id.
Standard library only, no regex: this runs before every shell command an agent issues.
"""

from __future__ import annotations

import os
import zlib

# _sha1, not hashlib: hashlib loads OpenSSL (about 5 ms), _sha1 is a small extension.
from _sha1 import sha1  # type: ignore[import-not-found]

TYPES = {1: b"commit", 2: b"tree", 3: b"blob", 4: b"tag"}
MAX_OBJECT = 8_000_000
MAX_DEPTH = 60  # delta chains git writes are at most 50 long


class Corrupt(Exception):  # noqa: N818 - the store is, not an error of ours
    """An object whose content does not hash to its id, or that cannot be decoded."""


def read(common: str, oid: str) -> tuple[bytes, bytes] | None:
    """``(type, content)`` of object ``oid`` (40 hex digits), checked; None when not found."""
    if len(oid) != 40:
        return None
    try:
        raw = bytes.fromhex(oid)
    except ValueError:
        return None
    for objects in _object_dirs(common):
        found = _loose(objects, oid)
        if found is None:
            found = _packed(objects, raw, 0)
        if found is not None:
            kind, data = found
            digest = sha1(b"%s %d\0" % (kind, len(data)))
            digest.update(data)
            if digest.digest() != raw:
                raise Corrupt(f"object {oid} does not hash to its id")
            return kind, data
    return None


def tree_entry(data: bytes, name: bytes) -> tuple[bytes, str] | None:
    """``(mode, oid)`` of the entry ``name`` of a tree's content, or None."""
    i, size = 0, len(data)
    while i < size:
        space = data.find(b" ", i)
        nul = data.find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 21 > size:
            raise Corrupt("a tree entry is cut short")
        if data[space + 1 : nul] == name:
            return data[i:space], data[nul + 1 : nul + 21].hex()
        i = nul + 21
    return None


def tree_entries(data: bytes) -> list[tuple[bytes, bytes, str]]:
    """Every ``(mode, name, oid)`` of a tree's content."""
    out = []
    i, size = 0, len(data)
    while i < size:
        space = data.find(b" ", i)
        nul = data.find(b"\0", space + 1)
        if space < 0 or nul < 0 or nul + 21 > size:
            raise Corrupt("a tree entry is cut short")
        out.append((data[i:space], data[space + 1 : nul], data[nul + 1 : nul + 21].hex()))
        i = nul + 21
    return out


def _object_dirs(common: str) -> list[str]:
    objects = os.path.join(common, "objects")  # noqa: PTH118 - pathlib stays off the hot path
    dirs = [objects]
    try:
        with open(os.path.join(objects, "info", "alternates"), encoding="utf-8") as fh:  # noqa: PTH118, PTH123
            lines = fh.read(100_000).splitlines()
    except OSError:
        return dirs
    for line in lines:
        line = line.strip()  # noqa: PLW2901
        if line and not line.startswith("#"):
            dirs.append(line if os.path.isabs(line) else os.path.join(objects, line))  # noqa: PTH117, PTH118
    return dirs


def _loose(objects: str, oid: str) -> tuple[bytes, bytes] | None:
    try:
        with open(os.path.join(objects, oid[:2], oid[2:]), "rb") as fh:  # noqa: PTH118, PTH123
            packed = fh.read(MAX_OBJECT * 2)
    except OSError:
        return None
    try:
        data = zlib.decompressobj().decompress(packed, MAX_OBJECT + 64)
    except zlib.error:
        raise Corrupt(f"loose object {oid} is not zlib data") from None
    head, nul, body = data.partition(b"\0")
    kind, _, size = head.partition(b" ")
    if not nul or kind not in TYPES.values() or not size.isdigit() or int(size) != len(body):
        raise Corrupt(f"loose object {oid} has a bad header")
    return kind, body


def _packed(objects: str, raw: bytes, depth: int) -> tuple[bytes, bytes] | None:
    pack_dir = os.path.join(objects, "pack")  # noqa: PTH118
    try:
        names = os.listdir(pack_dir)  # noqa: PTH208
    except OSError:
        return None
    for name in names:
        if name.endswith(".idx"):
            index = os.path.join(pack_dir, name)  # noqa: PTH118
            offset = _offset(index, raw)
            if offset is not None:
                return _entry(index[:-4] + ".pack", offset, objects, depth)
    return None


def _offset(index: str, raw: bytes) -> int | None:
    """Where ``raw`` is in the pack of a version 2 index, read by seeking (indexes are large)."""
    try:
        with open(index, "rb") as fh:  # noqa: PTH123
            head = fh.read(8 + 1024)
            if head[:8] != b"\377tOc\0\0\0\2" or len(head) < 8 + 1024:
                return None
            first = raw[0]
            lo = int.from_bytes(head[8 + 4 * (first - 1) : 8 + 4 * first]) if first else 0
            hi = int.from_bytes(head[8 + 4 * first : 12 + 4 * first])
            total = int.from_bytes(head[8 + 1020 : 8 + 1024])
            fh.seek(8 + 1024 + 20 * lo)
            ids = fh.read(20 * (hi - lo))
            a, b = 0, hi - lo
            while a < b:  # bisect over 20-byte ids
                mid = (a + b) // 2
                if ids[20 * mid : 20 * mid + 20] < raw:
                    a = mid + 1
                else:
                    b = mid
            if a >= hi - lo or ids[20 * a : 20 * a + 20] != raw:
                return None
            at = lo + a
            fh.seek(8 + 1024 + 24 * total + 4 * at)
            offset = int.from_bytes(fh.read(4))
            if offset & 0x80000000:
                fh.seek(8 + 1024 + 28 * total + 8 * (offset & 0x7FFFFFFF))
                offset = int.from_bytes(fh.read(8))
            return offset
    except OSError:
        return None


def _entry(pack: str, offset: int, objects: str, depth: int) -> tuple[bytes, bytes] | None:
    if depth > MAX_DEPTH:
        raise Corrupt("a delta chain is too long")
    try:
        with open(pack, "rb") as fh:  # noqa: PTH123
            fh.seek(offset)
            head = fh.read(64)
            byte = head[0]
            kind, size, shift, i = (byte >> 4) & 7, byte & 15, 4, 1
            while byte & 0x80:
                byte = head[i]
                size |= (byte & 0x7F) << shift
                shift, i = shift + 7, i + 1
            base: tuple[bytes, bytes] | None = None
            if kind == 6:
                byte = head[i]
                back, i = byte & 0x7F, i + 1
                while byte & 0x80:
                    byte = head[i]
                    back, i = ((back + 1) << 7) | (byte & 0x7F), i + 1
                base = _entry(pack, offset - back, objects, depth + 1)
            elif kind == 7:
                base_id = head[i : i + 20]
                i += 20
                base = _loose(objects, base_id.hex()) or _packed(objects, base_id, depth + 1)
            elif kind not in TYPES:
                raise Corrupt(f"pack entry at {offset} has type {kind}")
            if size > MAX_OBJECT:
                raise Corrupt(f"pack entry at {offset} is over {MAX_OBJECT} bytes")
            fh.seek(offset + i)
            data = _inflate(fh, size)
    except (OSError, IndexError, zlib.error):
        raise Corrupt(f"pack entry at {offset} of {pack} cannot be read") from None
    if kind in TYPES:
        return TYPES[kind], data
    if base is None:
        return None
    return base[0], _apply(base[1], data)


def _inflate(fh: object, size: int) -> bytes:
    inflater = zlib.decompressobj()
    out = b""
    while not inflater.eof:
        chunk = fh.read(max(4096, size + 64))  # type: ignore[attr-defined]
        if not chunk:
            break
        out += inflater.decompress(chunk, size + 1 - len(out))
        if len(out) > size:
            break
    if len(out) != size:
        raise Corrupt("a pack entry inflates to the wrong size")
    return out


def _varint(delta: bytes, i: int) -> tuple[int, int]:
    value, shift = 0, 0
    while True:
        byte = delta[i]
        value |= (byte & 0x7F) << shift
        shift, i = shift + 7, i + 1
        if not byte & 0x80:
            return value, i


def _apply(base: bytes, delta: bytes) -> bytes:
    try:
        source, i = _varint(delta, 0)
        target, i = _varint(delta, i)
        if source != len(base) or target > MAX_OBJECT:
            raise Corrupt("a delta does not fit its base")
        out = bytearray()
        while i < len(delta):
            op = delta[i]
            i += 1
            if op & 0x80:
                start = size = 0
                for bit in range(4):
                    if op & (1 << bit):
                        start |= delta[i] << (8 * bit)
                        i += 1
                for bit in range(3):
                    if op & (16 << bit):
                        size |= delta[i] << (8 * bit)
                        i += 1
                out += base[start : start + (size or 0x10000)]
            elif op:
                out += delta[i : i + op]
                i += op
            else:
                raise Corrupt("a delta has a zero opcode")
    except IndexError:
        raise Corrupt("a delta is cut short") from None
    if len(out) != target:
        raise Corrupt("a delta builds the wrong size")
    return bytes(out)
