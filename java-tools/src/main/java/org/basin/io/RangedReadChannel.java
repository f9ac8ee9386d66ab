package org.basin.io;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.basin.error.BasinException;

/**
 * A read-only channel over one object of a {@link ChunkStore}, read in ranged GETs of whole blocks kept in a small
 * LRU cache: a library that seeks about a file (jhdf reading an HDF5 superblock, object headers, B-tree nodes and
 * chunks) fetches only the blocks those bytes lie in, each once while it stays cached. Neighbouring missing blocks
 * of one read come in one request, reads that run on block after block read ahead (2, 4, ... 16 blocks a GET), and
 * a read of four blocks or more bypasses the cache in large ranged GETs. Failures of the
 * store (exit 4 naming bucket and key) pass through unchanged.
 */
public final class RangedReadChannel implements SeekableByteChannel {
    /** Bytes per cached block by default: one GET each; on S3 a round trip costs about what 1 MiB takes to arrive. */
    static final int BLOCK = 1 << 20;
    /** Blocks kept: metadata blocks stay while chunks come and go. */
    static final int CACHED_BLOCKS = 32;
    private static final int MAX_GET = 64 << 20;
    /** At most this many blocks are read ahead when reads run on from the last block fetched. */
    private static final int MAX_AHEAD = 16;

    private final ChunkStore store;
    private final String key;
    private final long size;
    private final int block; // bytes per cached block
    private final int direct; // a read at least this long goes around the cache
    private final Map<Long, byte[]> blocks = new LinkedHashMap<>(CACHED_BLOCKS * 2, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, byte[]> e) {
            return size() > CACHED_BLOCKS;
        }
    };
    private long position;
    private boolean open = true;
    private long nextSequential = -1; // the block after the last run fetched
    private int ahead = 1; // blocks per GET while reads stay sequential: doubles to MAX_AHEAD

    private RangedReadChannel(ChunkStore store, String key, long size, int block) {
        this.store = store;
        this.key = key;
        this.size = size;
        this.block = block;
        this.direct = 4 * block;
    }

    /** Opens {@code key}, reading its first block (and learning its size); a missing key is exit 4 naming it. */
    public static RangedReadChannel open(ChunkStore store, String key) {
        return open(store, key, BLOCK);
    }

    /** The same with blocks of {@code block} bytes (smaller where many objects are opened for their headers). */
    public static RangedReadChannel open(ChunkStore store, String key, int block) {
        ChunkStore.Range first = store.getRange(key, 0, block);
        if (first == null) {
            throw BasinException.io(store.location(key) + ": " + store.absent(key), null);
        }
        RangedReadChannel ch = new RangedReadChannel(store, key, first.objectSize(), block);
        if (first.bytes().length > 0) {
            ch.blocks.put(0L, first.bytes());
        }
        return ch;
    }

    /** Where the object is, for messages. */
    public String location() {
        return store.location(key);
    }

    @Override
    public synchronized int read(ByteBuffer dst) throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (position >= size) {
            return -1;
        }
        int n = (int) Math.min(dst.remaining(), size - position);
        if (n >= direct) {
            for (int done = 0; done < n;) {
                int len = Math.min(MAX_GET, n - done);
                dst.put(fetch(position + done, len));
                done += len;
            }
        } else {
            copyFromBlocks(dst, position, n);
        }
        position += n;
        return n;
    }

    /** {@code n} bytes from {@code at} through the cache, fetching each run of missing blocks in one GET. */
    private void copyFromBlocks(ByteBuffer dst, long at, int n) {
        long firstBlock = at / block;
        long lastBlock = (at + n - 1) / block;
        // the parts are held here, not looked up again: fetching one run may evict another block this read needs
        byte[][] parts = new byte[(int) (lastBlock - firstBlock + 1)][];
        for (long b = firstBlock; b <= lastBlock;) {
            byte[] cached = blocks.get(b); // a get, so the LRU order sees the use
            if (cached != null) {
                parts[(int) (b - firstBlock)] = cached;
                b++;
                continue;
            }
            long end = b;
            while (end + 1 <= lastBlock && !blocks.containsKey(end + 1)) {
                end++;
            }
            // a decoder reading on from where the last GET ended (a strip from its start) gets ever longer runs
            ahead = b == nextSequential ? Math.min(MAX_AHEAD, ahead * 2) : 1;
            long lastInObject = (size - 1) / block;
            while (end < b + ahead - 1 && end < lastInObject && !blocks.containsKey(end + 1)) {
                end++;
            }
            nextSequential = end + 1;
            long from = b * block;
            int len = (int) (Math.min(size, (end + 1) * block) - from);
            byte[] run = fetch(from, len);
            for (long k = b; k <= end; k++) {
                int off = (int) ((k - b) * block);
                byte[] part = new byte[Math.min(block, len - off)];
                System.arraycopy(run, off, part, 0, part.length);
                blocks.put(k, part);
                if (k <= lastBlock) {
                    parts[(int) (k - firstBlock)] = part;
                }
            }
            b = end + 1;
        }
        for (long b = firstBlock; b <= lastBlock; b++) {
            byte[] part = parts[(int) (b - firstBlock)];
            int from = (int) (Math.max(at, b * block) - b * block);
            int to = (int) (Math.min(at + n, b * block + part.length) - b * block);
            dst.put(part, from, to - from);
        }
    }

    /** One ranged GET of exactly {@code len} bytes; an object that shrank or vanished since it was opened is exit 4. */
    private byte[] fetch(long from, int len) {
        ChunkStore.Range r = store.getRange(key, from, len);
        if (r == null || r.bytes().length != len) {
            throw BasinException.io(store.location(key) + ": changed while being read (bytes " + from + ".." + (from + len) + " of the "
                    + size + " it had when opened " + (r == null ? "are gone: the key no longer exists" : "came back as " + r.bytes().length)
                    + ")", null);
        }
        return r.bytes();
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized long position() {
        return position;
    }

    @Override
    public synchronized SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long newSize) {
        throw new NonWritableChannelException();
    }

    @Override
    public synchronized boolean isOpen() {
        return open;
    }

    @Override
    public synchronized void close() {
        open = false;
        blocks.clear();
    }
}
