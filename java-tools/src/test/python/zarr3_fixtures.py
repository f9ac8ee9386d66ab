#!/usr/bin/python3
"""Writes the Zarr v3 / OME-Zarr 0.5 fixtures of basin's ZarrV3ReadTest, byte by byte from the specs.

No Zarr v3 library exists in Debian (python3-zarr 2.13 reads v2 only), so this script follows the texts instead:
  - Zarr v3 core: https://zarr-specs.readthedocs.io/en/latest/v3/core/index.html (zarr.json, chunk grid, chunk key
    encodings default and v2, fill_value spellings)
  - codecs bytes, transpose, gzip, crc32c, sharding_indexed (index of uint64 (offset, nbytes) pairs in C order of
    the inner grid, 2^64-1 for an inner chunk not stored, index_location start|end, index_codecs)
  - OME-Zarr 0.5 (NGFF): zarr.json attributes.ome {version, multiscales}
It needs numpy only (zstd and blosc are not in Debian's Python: basin's own writer covers those, round-tripped).
Each fixture folder holds the store and expected.bin: the whole array, C order, little-endian, as basin must read it.

Usage: /usr/bin/python3 zarr3_fixtures.py OUTDIR   (the tests' copy: java-tools/src/test/resources/zarr3)
"""
import gzip
import json
import os
import shutil
import struct
import sys

import numpy as np

MISSING = 2**64 - 1


def _crc32c_table():
    table = []
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    return table


CRC_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C (Castagnoli), as the crc32c codec appends it (4 bytes, little-endian)."""
    c = 0xFFFFFFFF
    for b in data:
        c = CRC_TABLE[(c ^ b) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF


assert crc32c(b"123456789") == 0xE3069283  # the check value of CRC-32C


def formula(shape, dtype):
    """Distinct values everywhere: every axis weighs in, so a swapped axis or offset shows."""
    idx = np.indices(shape).astype(np.int64)
    w = [131, 17, 3, 7][-len(shape):] if len(shape) == 3 else [7, 131, 17, 3]
    v = sum(i * k for i, k in zip(idx, w))
    dt = np.dtype(dtype)
    if dt.kind == "f":
        return (v * 0.25 - 100.5).astype(dt)
    if dt == np.uint64:
        return (np.uint64(2**63) + v.astype(np.uint64) * np.uint64(1000003)).astype(dt)
    if dt.kind == "i":
        return (v - 600).astype(dt)
    return (v % (np.iinfo(dt).max + 1)).astype(dt)


def encode(codecs, chunk):
    """Encodes one chunk (a numpy array of the chunk shape) through a codec list; returns bytes."""
    a = chunk
    for c in codecs:
        name, conf = c["name"], c.get("configuration", {})
        if name == "transpose":
            a = np.transpose(a, conf["order"])
        elif name == "bytes":
            order = ">" if conf.get("endian") == "big" else "<"
            a = np.ascontiguousarray(a).astype(a.dtype.newbyteorder(order)).tobytes(order="C")
        elif name == "gzip":
            a = gzip.compress(a, compresslevel=conf["level"], mtime=0)
        elif name == "crc32c":
            a = a + struct.pack("<I", crc32c(a))
        elif name == "sharding_indexed":
            a = encode_shard(conf, a)
        else:
            raise ValueError(name)
    return a


def encode_shard(conf, shard):
    """Inner chunks back to back in C order of the inner grid, then (or before them) the index of (offset, nbytes)
    uint64 pairs; inner chunks of nothing but SKIP_FILL are left out with 2^64-1, as zarr-python leaves them."""
    inner = conf["chunk_shape"]
    grid = [s // c for s, c in zip(shard.shape, inner)]
    index = np.full(grid + [2], MISSING, dtype=np.uint64)
    parts = []
    count = int(np.prod(grid))
    probe = encode(conf["index_codecs"], index)
    index_size = len(probe)
    at = 0 if conf.get("index_location", "end") == "end" else index_size
    for pos in np.ndindex(*grid):
        sl = tuple(slice(p * c, (p + 1) * c) for p, c in zip(pos, inner))
        piece = shard[sl]
        if SKIP_FILL[0] is not None and np.all(piece == SKIP_FILL[0]):
            continue
        b = encode(conf["codecs"], piece)
        index[pos] = (at, len(b))
        at += len(b)
        parts.append(b)
    ib = encode(conf["index_codecs"], index)
    assert len(ib) == index_size and count * 16 <= index_size
    body = b"".join(parts)
    return body + ib if conf.get("index_location", "end") == "end" else ib + body


SKIP_FILL = [None]  # set while a fixture leaves out inner chunks that hold only the fill value


def key(pos, encoding):
    name = encoding["name"]
    sep = encoding.get("configuration", {}).get("separator", "/" if name == "default" else ".")
    k = sep.join(str(p) for p in pos)
    return ("c" + sep + k) if name == "default" else k


def write_array(path, data, chunk_shape, codecs, fill_value, fill, key_encoding=None, attributes=None,
                missing=lambda pos: False):
    """A whole array: zarr.json and every chunk the grid has (chunks `missing` says are left out), edge chunks
    padded with the fill value to the full chunk shape as the spec requires."""
    os.makedirs(path, exist_ok=True)
    key_encoding = key_encoding or {"name": "default", "configuration": {"separator": "/"}}
    meta = {
        "zarr_format": 3, "node_type": "array", "shape": list(data.shape), "data_type": str(data.dtype),
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": chunk_shape}},
        "chunk_key_encoding": key_encoding, "fill_value": fill_value, "codecs": codecs,
        "attributes": attributes or {},
    }
    with open(os.path.join(path, "zarr.json"), "w") as f:
        json.dump(meta, f, indent=2)
    expected = data.copy()
    grid = [-(-s // c) for s, c in zip(data.shape, chunk_shape)]
    for pos in np.ndindex(*grid):
        lo = [p * c for p, c in zip(pos, chunk_shape)]
        sl = tuple(slice(l, min(l + c, s)) for l, c, s in zip(lo, chunk_shape, data.shape))
        if missing(pos):
            expected[sl] = fill
            continue
        chunk = np.full(chunk_shape, fill, dtype=data.dtype)
        chunk[tuple(slice(0, s.stop - s.start) for s in sl)] = data[sl]
        b = encode(codecs, chunk)
        p = os.path.join(path, key(pos, key_encoding))
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(b)
    with open(os.path.join(path, "expected.bin"), "wb") as f:
        f.write(expected.astype(expected.dtype.newbyteorder("<")).tobytes())
    return expected


def sharding(inner, codecs, index_codecs, location):
    return {"name": "sharding_indexed", "configuration": {"chunk_shape": inner, "codecs": codecs,
                                                         "index_codecs": index_codecs, "index_location": location}}


LE = {"name": "bytes", "configuration": {"endian": "little"}}
BE = {"name": "bytes", "configuration": {"endian": "big"}}
CRC = {"name": "crc32c"}


def main(out):
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)

    # 1. sharded, index at the end (zarr-python's default), gzip inner chunks, crc32c on the index; the inner
    #    chunks that hold only the fill value are not stored (offset, nbytes = 2^64-1)
    d = formula((10, 13, 11), "uint16")
    d[0:4, 0:4, 0:4] = 9  # one whole inner chunk of fill
    SKIP_FILL[0] = 9
    write_array(f"{out}/sharded_end_uint16", d, [8, 8, 8],
                [sharding([4, 4, 4], [LE, {"name": "gzip", "configuration": {"level": 5}}], [LE, CRC], "end")], 9, 9)

    # 2. 4-D (c, z, y, x) float32, index at the start, transposed big-endian inner chunks with their own crc32c,
    #    NaN fill; a whole shard missing
    d = formula((3, 9, 10, 12), "float32")
    d[:, 4:8, 0:5, 0:4] = np.nan
    SKIP_FILL[0] = None
    conf = sharding([3, 4, 5, 4], [{"name": "transpose", "configuration": {"order": [3, 1, 0, 2]}}, BE, CRC], [LE, CRC], "start")
    write_array(f"{out}/sharded_start_float32_4d", d, [3, 8, 10, 8], [conf], "NaN", np.nan,
                missing=lambda pos: pos == (0, 1, 0, 1))

    # 3. unsharded uint64 (values above 2^63) with transpose + big endian + gzip, v2 chunk keys "0.1.2"
    d = formula((7, 6, 9), "uint64")
    write_array(f"{out}/transpose_big_uint64_v2keys", d, [4, 4, 4],
                [{"name": "transpose", "configuration": {"order": [2, 0, 1]}}, BE, {"name": "gzip", "configuration": {"level": 1}}],
                18446744073709551615, np.uint64(2**64 - 1), key_encoding={"name": "v2", "configuration": {"separator": "."}},
                missing=lambda pos: pos == (1, 1, 2))

    # 4. int32 with crc32c, default keys with "." separator, negative fill value, a missing chunk
    d = formula((5, 6, 7), "int32")
    write_array(f"{out}/crc32c_int32_dotkeys", d, [3, 4, 4], [LE, CRC], -5, -5,
                key_encoding={"name": "default", "configuration": {"separator": "."}}, missing=lambda pos: pos == (0, 1, 0))

    # 5. uint8, the bytes codec without endian (one-byte type), fill 0
    d = formula((6, 5, 4), "uint8")
    write_array(f"{out}/plain_uint8", d, [6, 5, 4], [{"name": "bytes"}], 0, 0)

    # 6. float64 with the fill value as hex bits (-2.5 = 0xc004000000000000), chunks missing; uint32 and int64
    #    sharded with an index without crc32c
    d = formula((4, 5, 6), "float64")
    write_array(f"{out}/hexfill_float64", d, [2, 5, 3], [LE], "0xc004000000000000", -2.5, missing=lambda pos: pos[2] == 1)
    d = formula((8, 4, 4), "uint32")
    write_array(f"{out}/sharded_uint32_plainindex", d, [8, 4, 4], [sharding([2, 2, 4], [LE], [LE], "end")], 0, 0)
    d = formula((4, 4, 6), "int64")
    write_array(f"{out}/sharded_int64_inf", d, [4, 4, 6], [sharding([2, 4, 3], [BE, {"name": "gzip", "configuration": {"level": 9}}], [BE, CRC], "start")],
                -3, -3)

    # 7. an OME-Zarr 0.5 group of two levels, scale in micrometres (z 0.04, y x 0.008 -> 40, 8, 8 nm)
    g = f"{out}/ome05.zarr"
    os.makedirs(g)
    s0 = formula((8, 12, 10), "uint8")
    write_array(f"{g}/s0", s0, [4, 6, 5], [LE, {"name": "gzip", "configuration": {"level": 1}}], 0, 0)
    write_array(f"{g}/s1", s0[::2, ::2, ::2].copy(), [4, 6, 5], [LE], 0, 0)
    axes = [{"name": "z", "type": "space", "unit": "micrometer"}, {"name": "y", "type": "space", "unit": "micrometer"},
            {"name": "x", "type": "space", "unit": "micrometer"}]
    ms = {"name": "raw", "axes": axes, "datasets": [
        {"path": "s0", "coordinateTransformations": [{"type": "scale", "scale": [0.04, 0.008, 0.008]}]},
        {"path": "s1", "coordinateTransformations": [{"type": "scale", "scale": [0.08, 0.016, 0.016]}]}]}
    with open(f"{g}/zarr.json", "w") as f:
        json.dump({"zarr_format": 3, "node_type": "group", "attributes": {"ome": {"version": "0.5", "multiscales": [ms]}}}, f, indent=2)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "resources", "zarr3"))
