#!/usr/bin/env python3
"""Writes the Neuroglancer precomputed fixtures for PrecomputedVolumeTest, byte by byte from the specs.

No Debian package reads or writes precomputed volumes, so this script is the reference writer. It follows, and only
follows, the format documents of google/neuroglancer:
  src/datasource/precomputed/volume.md      info file, chunk keys, raw / jpeg encodings, compressed Morton code
  src/datasource/precomputed/sharded.md     sharding spec, shard index, minishard index, hashes
  src/sliceview/compressed_segmentation/README.md   compressed_segmentation (single and multi-channel)
Its compressed_segmentation encoder is checked against the encodeChannel example of neuroglancer's
encode_uint64.spec.ts, and its MurmurHash3_x86_128 against tensorstore's murmurhash3_test.cc vectors (computed there
with pymmh3), before anything is written.

Usage: /usr/bin/python3 make_fixtures.py [OUT_DIR]   (default: this script's folder; needs only numpy)
       /usr/bin/python3 make_fixtures.py --bench OUT_DIR   (the 256^3 volumes of PrecomputedReadBenchmark)

For each volume V it writes V/ (the precomputed folder) and, for scale i, V.s<i>.bin: the voxels every reader must
return, little-endian, C order (c, z, y, x) (no channel axis when num_channels is 1), with the shapes in
expected.json. Voxels of chunks that are not stored are 0 there. Output is deterministic (fixed seeds, gzip mtime 0).
"""
import gzip
import json
import math
import os
import shutil
import struct
import sys

import numpy as np

MASK32 = 0xFFFFFFFF


# ---------------------------------------------------------------- MurmurHash3_x86_128 (Austin Appleby's algorithm)

def _rotl32(x, r):
    return ((x << r) | (x >> (32 - r))) & MASK32


def _fmix32(h):
    h ^= h >> 16
    h = (h * 0x85EBCA6B) & MASK32
    h ^= h >> 13
    h = (h * 0xC2B2AE35) & MASK32
    h ^= h >> 16
    return h


def murmurhash3_x86_128(data: bytes, seed: int = 0):
    """The four 32-bit words h1..h4 of MurmurHash3_x86_128 of any byte string."""
    c1, c2, c3, c4 = 0x239B961B, 0xAB0E9789, 0x38B34AE5, 0xA1E38B93
    h1 = h2 = h3 = h4 = seed & MASK32
    n = len(data)
    nblocks = n // 16
    for i in range(nblocks):
        k1, k2, k3, k4 = struct.unpack_from("<4I", data, 16 * i)
        k1 = (_rotl32((k1 * c1) & MASK32, 15) * c2) & MASK32
        h1 ^= k1
        h1 = (_rotl32(h1, 19) + h2) & MASK32
        h1 = (h1 * 5 + 0x561CCD1B) & MASK32
        k2 = (_rotl32((k2 * c2) & MASK32, 16) * c3) & MASK32
        h2 ^= k2
        h2 = (_rotl32(h2, 17) + h3) & MASK32
        h2 = (h2 * 5 + 0x0BCAA747) & MASK32
        k3 = (_rotl32((k3 * c3) & MASK32, 17) * c4) & MASK32
        h3 ^= k3
        h3 = (_rotl32(h3, 15) + h4) & MASK32
        h3 = (h3 * 5 + 0x96CD1C35) & MASK32
        k4 = (_rotl32((k4 * c4) & MASK32, 18) * c1) & MASK32
        h4 ^= k4
        h4 = (_rotl32(h4, 13) + h1) & MASK32
        h4 = (h4 * 5 + 0x32AC3B17) & MASK32
    tail = data[16 * nblocks:]
    k = [0, 0, 0, 0]
    for i, b in enumerate(tail):
        k[i // 4] |= b << (8 * (i % 4))
    if len(tail) > 12:
        h4 ^= (_rotl32((k[3] * c4) & MASK32, 18) * c1) & MASK32
    if len(tail) > 8:
        h3 ^= (_rotl32((k[2] * c3) & MASK32, 17) * c4) & MASK32
    if len(tail) > 4:
        h2 ^= (_rotl32((k[1] * c2) & MASK32, 16) * c3) & MASK32
    if len(tail) > 0:
        h1 ^= (_rotl32((k[0] * c1) & MASK32, 15) * c2) & MASK32
    h1 ^= n
    h2 ^= n
    h3 ^= n
    h4 ^= n
    h1 = (h1 + h2 + h3 + h4) & MASK32
    h2 = (h2 + h1) & MASK32
    h3 = (h3 + h1) & MASK32
    h4 = (h4 + h1) & MASK32
    h1, h2, h3, h4 = _fmix32(h1), _fmix32(h2), _fmix32(h3), _fmix32(h4)
    h1 = (h1 + h2 + h3 + h4) & MASK32
    h2 = (h2 + h1) & MASK32
    h3 = (h3 + h1) & MASK32
    h4 = (h4 + h1) & MASK32
    return h1, h2, h3, h4


def murmur_hash64(key: int) -> int:
    """sharded.md: the hash of the uint64 in little endian; the low 8 bytes of the result as a little-endian uint64."""
    h1, h2, _, _ = murmurhash3_x86_128(struct.pack("<Q", key), 0)
    return h1 | (h2 << 32)


def check_murmur():
    # tensorstore murmurhash3_test.cc (values from pymmh3): (uint64 input, seed) -> (h1, h2)
    vectors = {(0, 0): (0xE028AE41, 0x4772B084), (1, 0): (0x16D4CE9A, 0xE8BD67D6), (42, 0): (0x5119F47A, 0xC20B94F9),
               (0, 1): (0x5AD58A7E, 0x54337108), (42, 2): (0x2D83D9C7, 0x082115EB)}
    for (key, seed), (h1, h2) in vectors.items():
        got = murmurhash3_x86_128(struct.pack("<Q", key), seed)[:2]
        assert got == (h1, h2), (key, seed, [hex(v) for v in got])


# ---------------------------------------------------------------- compressed Morton code (volume.md)

def compressed_morton(g, grid):
    code, j = 0, 0
    bits = max(int(n - 1).bit_length() for n in grid)
    for i in range(bits):
        for d in range(3):
            if (1 << i) < grid[d]:
                code |= ((g[d] >> i) & 1) << j
                j += 1
    return code


# ---------------------------------------------------------------- compressed_segmentation (README.md)

BITS_USED = set()  # encodedBits values written, to check that the fixtures exercise each width


def cseg_encode_channel(vol, block):
    """One channel, vol as a C-order (z, y, x) array of uint32 or uint64, block = (bx, by, bz). Returns uint32 words.

    Layout as the README's typical order: block headers, then for each block (x fastest) its encoded values followed
    by its lookup table; a table equal to an earlier one is shared. Offsets count 32-bit words from the channel's
    start. Positions past the volume in a partial block get index 0.
    """
    sz, sy, sx = vol.shape
    bx, by, bz = block
    gx, gy, gz = -(-sx // bx), -(-sy // by), -(-sz // bz)
    words = [0] * (2 * gx * gy * gz)
    tables = {}
    value_words = 2 if vol.dtype == np.uint64 else 1
    for z in range(gz):
        for y in range(gy):
            for x in range(gx):
                sub = vol[z * bz:(z + 1) * bz, y * by:(y + 1) * by, x * bx:(x + 1) * bx]
                table = np.unique(sub)
                n = len(table)
                bits = 0
                if n > 1:
                    bits = next(b for b in (1, 2, 4, 8, 16, 32) if (1 << b) >= n)
                idx = np.zeros((bz, by, bx), dtype=np.uint64)
                idx[:sub.shape[0], :sub.shape[1], :sub.shape[2]] = np.searchsorted(table, sub)
                values_offset = len(words)
                if bits:
                    per_word = 32 // bits
                    flat = idx.reshape(-1)  # x + bx * (y + by * z)
                    flat = np.concatenate([flat, np.zeros((-len(flat)) % per_word, dtype=np.uint64)])
                    packed = np.zeros(len(flat) // per_word, dtype=np.uint64)
                    for k in range(per_word):
                        packed |= flat[k::per_word] << np.uint64(k * bits)
                    words.extend(int(w) for w in packed)
                key = table.tobytes()
                if key not in tables:
                    tables[key] = len(words)
                    for v in table:
                        v = int(v)
                        words.append(v & MASK32)
                        if value_words == 2:
                            words.append(v >> 32)
                table_offset = tables[key]
                BITS_USED.add(bits)
                assert table_offset < 1 << 24
                h = 2 * (x + gx * (y + gy * z))
                words[h] = table_offset | (bits << 24)
                words[h + 1] = values_offset
    return words


def cseg_encode(chunk, block):
    """Multi-channel format: chunk as a C-order (c, z, y, x) array. Returns bytes."""
    channels = [cseg_encode_channel(chunk[c], block) for c in range(chunk.shape[0])]
    header, at = [], len(channels)
    for w in channels:
        header.append(at)
        at += len(w)
    out = header + [w for ch in channels for w in ch]
    return np.array(out, dtype="<u4").tobytes()


def check_cseg():
    # encode_uint64.spec.ts, encodeChannel "basic": x,y,z = 2,2,2, block 2,2,1, Fortran input 4,3,5,4,1,3,3,3.
    # The spec's output follows three words already in its buffer; its offsets count from the channel's start.
    vol = np.array([4, 3, 5, 4, 1, 3, 3, 3], dtype=np.uint64).reshape(2, 2, 2)
    expected = [5 | (2 << 24), 4, 12 | (1 << 24), 11, 0b01100001, 3, 0, 4, 0, 5, 0, 0b1110, 1, 0, 3, 0]
    assert cseg_encode_channel(vol, (2, 2, 1)) == expected, cseg_encode_channel(vol, (2, 2, 1))


# ---------------------------------------------------------------- chunks, shards, info

def gz(b):
    return gzip.compress(b, compresslevel=6, mtime=0)


def grid_of(size, chunk):
    return [-(-size[d] // chunk[d]) for d in range(3)]


def each_chunk(arr, size, chunk):
    """(g, begin, end, sub): grid position, local [begin, end) (x, y, z) and the chunk's voxels (c, z, y, x)."""
    grid = grid_of(size, chunk)
    for gz_ in range(grid[2]):
        for gy in range(grid[1]):
            for gx in range(grid[0]):
                g = (gx, gy, gz_)
                b = [g[d] * chunk[d] for d in range(3)]
                e = [min(b[d] + chunk[d], size[d]) for d in range(3)]
                yield g, b, e, arr[:, b[2]:e[2], b[1]:e[1], b[0]:e[0]]


def encode_chunk(sub, scale, dtype):
    if scale["encoding"] == "raw":
        return np.ascontiguousarray(sub).astype(np.dtype(dtype).newbyteorder("<")).tobytes()
    if scale["encoding"] == "compressed_segmentation":
        return cseg_encode(sub, scale["compressed_segmentation_block_size"])
    raise ValueError(scale["encoding"])


def write_shards(folder, spec, chunks, gap=b""):
    """chunks: {chunk id: encoded bytes}. Writes <shard>.shard files: shard index, chunk data, minishard indices."""
    mb, sb = spec["minishard_bits"], spec["shard_bits"]
    by_shard = {}
    for cid in sorted(chunks):
        h = cid >> spec["preshift_bits"]
        h = murmur_hash64(h) if spec["hash"] == "murmurhash3_x86_128" else h
        minishard = h & ((1 << mb) - 1)
        shard = (h >> mb) & ((1 << sb) - 1)
        by_shard.setdefault(shard, {}).setdefault(minishard, []).append(cid)
    index_end = 16 << mb
    for shard, minishards in by_shard.items():
        data = bytearray()
        located = {}
        for m in sorted(minishards):
            for cid in minishards[m]:
                data += gap  # bytes the index skips: offsets are deltas from the end of the prior chunk
                body = chunks[cid]
                if spec["data_encoding"] == "gzip":
                    body = gz(body)
                located[cid] = (len(data), len(body))
                data += body
        index = bytearray(index_end)
        for m in sorted(minishards):
            ids = minishards[m]
            arr = np.zeros((3, len(ids)), dtype="<u8")
            prev_id, prev_end = 0, 0
            for i, cid in enumerate(ids):
                start, size = located[cid]
                arr[0, i] = cid - prev_id
                arr[1, i] = start - prev_end
                arr[2, i] = size
                prev_id, prev_end = cid, start + size
            enc = arr.tobytes()
            if spec["minishard_index_encoding"] == "gzip":
                enc = gz(enc)
            struct.pack_into("<QQ", index, 16 * m, len(data), len(data) + len(enc))
            data += enc
        name = format(shard, "x").zfill(math.ceil(sb / 4)) + ".shard"
        with open(os.path.join(folder, name), "wb") as f:
            f.write(bytes(index) + bytes(data))


def write_volume(out, name, info, arrays, skip=(), gzip_suffix=(), gzip_content=(), gap=b""):
    """arrays: one (c, z, y, x) array per scale. skip / gzip_*: sets of (scale index, grid position)."""
    root = os.path.join(out, name)
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(root)
    with open(os.path.join(root, "info"), "w") as f:
        json.dump(info, f, indent=1)
    shapes = []
    for s, (scale, arr) in enumerate(zip(info["scales"], arrays)):
        folder = os.path.join(root, scale["key"])
        os.makedirs(folder, exist_ok=True)
        size, chunk, off = scale["size"], scale["chunk_sizes"][0], scale.get("voxel_offset", [0, 0, 0])
        assert list(arr.shape[1:]) == size[::-1]
        expected = arr.copy()
        grid = grid_of(size, chunk)
        sharded = {}
        for g, b, e, sub in each_chunk(arr, size, chunk):
            if (s, g) in skip:
                expected[:, b[2]:e[2], b[1]:e[1], b[0]:e[0]] = 0
                continue
            body = encode_chunk(sub, scale, info["data_type"])
            if "sharding" in scale:
                sharded[compressed_morton(g, grid)] = body
                continue
            key = "_".join(f"{off[d] + b[d]}-{off[d] + e[d]}" for d in range(3))
            if (s, g) in gzip_suffix:
                key, body = key + ".gz", gz(body)
            elif (s, g) in gzip_content:
                body = gz(body)
            with open(os.path.join(folder, key), "wb") as f:
                f.write(body)
        if "sharding" in scale:
            write_shards(folder, scale["sharding"], sharded, gap)
        if info["num_channels"] == 1:
            expected = expected[0]
        expected.astype(np.dtype(info["data_type"]).newbyteorder("<")).tofile(os.path.join(out, f"{name}.s{s}.bin"))
        shapes.append(list(expected.shape))
    return {"data_type": info["data_type"], "num_channels": info["num_channels"], "shapes": shapes,
            "keys": [sc["key"] for sc in info["scales"]]}


def scale(key, size, chunk, resolution, encoding="raw", offset=None, **extra):
    s = {"key": key, "size": size, "chunk_sizes": [chunk], "resolution": resolution, "encoding": encoding}
    if offset is not None:
        s["voxel_offset"] = offset
    s.update(extra)
    return s


def labels(rng, shape, dtype, distinct, high=0):
    """Segment ids with runs (few distinct per block), some above 2^63 for uint64."""
    ids = rng.choice(np.arange(1, distinct + 1, dtype=np.uint64), size=shape).astype(dtype)
    return ids | np.array(high, dtype=dtype)


def fixtures(out):
    rng = np.random.default_rng(17)
    manifest = {}

    # raw uint8, 3 scales (one key a "/" path), a voxel offset with a negative axis, a chunk missing, gzip both ways
    s0 = rng.integers(0, 256, size=(1, 11, 13, 19), dtype=np.uint8)
    s1 = np.ascontiguousarray(s0[:, ::2, ::2, ::2])
    s2 = np.ascontiguousarray(s1[:, ::2, ::2, ::2])
    info = {"@type": "neuroglancer_multiscale_volume", "type": "image", "data_type": "uint8", "num_channels": 1,
            "scales": [scale("4_5_40", [19, 13, 11], [8, 8, 4], [4, 5, 40], offset=[5, -3, 7]),
                       scale("8_10_80", [10, 7, 6], [4, 4, 4], [8, 10, 80], offset=[2, -2, 3]),
                       scale("mip/2", [5, 4, 3], [4, 4, 4], [16, 20, 160])]}
    manifest["raw_uint8"] = write_volume(out, "raw_uint8", info, [s0, s1, s2], skip={(0, (1, 0, 1))},
                                         gzip_suffix={(0, (0, 1, 0)), (1, (1, 1, 1))}, gzip_content={(0, (2, 1, 2))})

    # raw float32, two channels
    a = rng.standard_normal(size=(2, 5, 7, 9)).astype(np.float32)
    info = {"type": "image", "data_type": "float32", "num_channels": 2,
            "scales": [scale("s0", [9, 7, 5], [4, 4, 4], [1.5, 1.5, 3.0])]}
    manifest["raw_float32_2ch"] = write_volume(out, "raw_float32_2ch", info, [a], gzip_content={(0, (1, 1, 0))})

    # raw uint64, sharded: murmurhash, preshift, gzip minishard indices and data, gaps between chunks, a chunk missing
    a = labels(rng, (1, 9, 17, 21), np.uint64, 40, high=1 << 63)
    info = {"type": "segmentation", "data_type": "uint64", "num_channels": 1,
            "scales": [scale("8_8_30", [21, 17, 9], [8, 8, 4], [8, 8, 30], offset=[100, 200, 300],
                             sharding={"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 1,
                                       "hash": "murmurhash3_x86_128", "minishard_bits": 2, "shard_bits": 2,
                                       "minishard_index_encoding": "gzip", "data_encoding": "gzip"})]}
    manifest["raw_uint64_sharded_murmur"] = write_volume(out, "raw_uint64_sharded_murmur", info, [a],
                                                         skip={(0, (2, 0, 1))}, gap=b"pad")

    # compressed_segmentation uint32, sharded with the identity hash, raw encodings, a chunk missing
    a = labels(rng, (1, 7, 11, 18), np.uint32, 5)
    info = {"type": "segmentation", "data_type": "uint32", "num_channels": 1,
            "scales": [scale("s0", [18, 11, 7], [8, 8, 4], [4, 4, 40], "compressed_segmentation",
                             compressed_segmentation_block_size=[4, 4, 2],
                             sharding={"@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 0,
                                       "hash": "identity", "minishard_bits": 1, "shard_bits": 2,
                                       "minishard_index_encoding": "raw", "data_encoding": "raw"})]}
    manifest["cseg_uint32_sharded_identity"] = write_volume(out, "cseg_uint32_sharded_identity", info, [a],
                                                            skip={(0, (1, 1, 0))})

    # compressed_segmentation uint64, unsharded: blocks of 1 to ~400 distinct ids (0 to 16 bits)
    a = np.zeros((1, 11, 18, 20), dtype=np.uint64)
    counts = [1, 2, 3, 9, 1000, 200]
    BITS_USED.clear()
    for z in range(2):
        for y in range(3):
            for x in range(3):
                n = counts[(x + 3 * y + 9 * z) % len(counts)]
                blk = a[0, z * 8:(z + 1) * 8, y * 8:(y + 1) * 8, x * 8:(x + 1) * 8]
                blk[...] = labels(rng, blk.shape, np.uint64, n, high=(x + 1) << 40 | (1 << 63 if y == 1 else 0))
    info = {"type": "segmentation", "data_type": "uint64", "num_channels": 1,
            "scales": [scale("s0", [20, 18, 11], [16, 16, 8], [4, 4, 40], "compressed_segmentation",
                             compressed_segmentation_block_size=[8, 8, 8])]}
    manifest["cseg_uint64"] = write_volume(out, "cseg_uint64", info, [a], gzip_suffix={(0, (1, 0, 0))},
                                           gzip_content={(0, (0, 1, 1))})
    assert BITS_USED >= {0, 1, 2, 4, 8, 16}, BITS_USED

    # compressed_segmentation uint32, two channels, blocks that divide neither chunk nor volume
    a = labels(rng, (2, 4, 5, 7), np.uint32, 6)
    info = {"type": "image", "data_type": "uint32", "num_channels": 2,
            "scales": [scale("s0", [7, 5, 4], [4, 4, 4], [1, 1, 1], "compressed_segmentation",
                             compressed_segmentation_block_size=[3, 3, 2])]}
    manifest["cseg_uint32_2ch"] = write_volume(out, "cseg_uint32_2ch", info, [a])

    with open(os.path.join(out, "expected.json"), "w") as f:
        json.dump(manifest, f, indent=1)


def bench(out):
    """256^3: raw uint8 unsharded, raw uint8 sharded (gzip data), compressed_segmentation uint64; 64^3 chunks."""
    rng = np.random.default_rng(5)
    n = 256
    zz = np.arange(n, dtype=np.int32).reshape(n, 1, 1)
    yy = np.arange(n, dtype=np.int32).reshape(1, n, 1)
    xx = np.arange(n, dtype=np.int32).reshape(1, 1, n)
    img = ((xx * 3 + yy * 5 + zz * 7) % 251 + rng.integers(0, 5, size=(n, n, n), dtype=np.int32)).astype(np.uint8)[None]
    seg = ((zz // 11) * 10_000 + (yy // 13) * 100 + (xx // 9)).astype(np.uint64)[None] + np.uint64(1 << 40)
    write_volume(out, "bench_raw_uint8", {"type": "image", "data_type": "uint8", "num_channels": 1,
                                          "scales": [scale("s0", [n] * 3, [64] * 3, [4, 4, 4])]}, [img])
    write_volume(out, "bench_raw_uint8_sharded", {"type": "image", "data_type": "uint8", "num_channels": 1,
                                                  "scales": [scale("s0", [n] * 3, [64] * 3, [4, 4, 4], sharding={
                                                      "@type": "neuroglancer_uint64_sharded_v1", "preshift_bits": 3,
                                                      "hash": "identity", "minishard_bits": 3, "shard_bits": 0,
                                                      "minishard_index_encoding": "gzip", "data_encoding": "raw"})]},
                 [img])
    write_volume(out, "bench_cseg_uint64", {"type": "segmentation", "data_type": "uint64", "num_channels": 1,
                                            "scales": [scale("s0", [n] * 3, [64] * 3, [4, 4, 4],
                                                             "compressed_segmentation",
                                                             compressed_segmentation_block_size=[8, 8, 8])]}, [seg])


if __name__ == "__main__":
    check_murmur()
    check_cseg()
    if len(sys.argv) > 2 and sys.argv[1] == "--bench":
        os.makedirs(sys.argv[2], exist_ok=True)
        bench(sys.argv[2])
    else:
        target = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.abspath(__file__))
        fixtures(target)
