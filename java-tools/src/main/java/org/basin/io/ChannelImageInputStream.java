package org.basin.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import javax.imageio.stream.ImageInputStreamImpl;

/**
 * An ImageIO stream over a {@link RangedReadChannel}: the TIFF reader seeks to a page's directory and to the strips or
 * tiles a region needs, and only the blocks holding them are fetched.
 */
final class ChannelImageInputStream extends ImageInputStreamImpl {
    private final RangedReadChannel channel;
    private final byte[] one = new byte[1];

    ChannelImageInputStream(RangedReadChannel channel) {
        this.channel = channel;
    }

    @Override
    public int read() throws IOException {
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        checkClosed();
        bitOffset = 0;
        if (len == 0) {
            return 0;
        }
        int n;
        synchronized (channel) {
            channel.position(streamPos);
            n = channel.read(ByteBuffer.wrap(b, off, len));
        }
        if (n > 0) {
            streamPos += n;
        }
        return n;
    }

    @Override
    public long length() {
        return channel.size();
    }

    @Override
    public void close() throws IOException {
        super.close();
        channel.close();
    }
}
