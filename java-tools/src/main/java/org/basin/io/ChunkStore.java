package org.basin.io;

import java.util.function.Predicate;

/**
 * Where the keys of a Zarr array or group live: a local folder ({@link FileChunkStore}) or an S3 prefix
 * ({@link S3ChunkStore}). Keys are '/'-separated names relative to the store (".zarray", "0/1/2"). Every call is
 * one whole object: a chunk is read or written exactly once per call, never in pieces, so a reader sees the old
 * bytes or the new ones, never part of a write.
 */
public interface ChunkStore {
    /** The stored bytes of {@code key}, or null when there is no such key (Zarr: a missing chunk is the fill value). */
    byte[] get(String key);

    /** True when {@code key} holds an object; reads none of its bytes. */
    boolean exists(String key);

    /**
     * Part of the object at {@code key}: {@code length} bytes from {@code offset} (fewer at its end), or with a negative
     * {@code offset} its last {@code length} bytes; with the object's whole size. Null when there is no such key. A
     * sharded Zarr v3 array reads its shard index and its inner chunks this way, never a whole shard.
     */
    Range getRange(String key, long offset, int length);

    /** Bytes of an object and the object's whole size. */
    record Range(byte[] bytes, long objectSize) {
    }

    /** Stores {@code bytes} under {@code key} as one object, replacing what was there. */
    void put(String key, byte[] bytes);

    /**
     * True when some key at most {@code maxDepth} names deep (1: directly in the store) satisfies {@code matches};
     * stops at the first.
     */
    boolean anyKey(int maxDepth, Predicate<String> matches);

    /** The store of the keys under {@code name} (a sub-array of a group: "0"). */
    ChunkStore child(String name);

    /** The store holding this one, or null at a root (the group of an array, for its OME-Zarr scale). */
    ChunkStore parent();

    /** The last name of this store ("0" for an OME-Zarr group's first scale). */
    String name();

    /** Makes the store exist where that means something (a folder); an object store needs nothing. */
    void create();

    /** Where the store is, for messages and for VolumeInfo: a path or s3://bucket/prefix. */
    String location();

    /** Why a key that must exist cannot be read, for messages: "no such file", or the bucket and key of S3. */
    default String absent(String key) {
        return "no such file";
    }

    /** Where one key is, for messages. */
    default String location(String key) {
        return location() + "/" + key;
    }
}
