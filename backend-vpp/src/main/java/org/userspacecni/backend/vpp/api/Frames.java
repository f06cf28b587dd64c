package org.userspacecni.backend.vpp.api;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * The framing of VPP's API socket, both directions: a 16-byte header (8 bytes the receiver ignores, the
 * payload length as a big-endian u32, 4 more ignored bytes), then the payload. The stream has no other
 * boundaries, so a frame is read as exactly 16 bytes and then exactly its length.
 */
public final class Frames {

    static final int HEADER = 16;
    /** Larger than any reply VPP sends (its message table is a few hundred KB). */
    static final int MAX_PAYLOAD = 64 << 20;

    private Frames() {
    }

    /** The payload with its header. */
    public static byte[] frame(byte[] payload) {
        return ByteBuffer.allocate(HEADER + payload.length).putLong(0).putInt(payload.length).putInt(0).put(payload)
                .array();
    }

    public static void write(WritableByteChannel channel, byte[] payload) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(frame(payload));
        while (frame.hasRemaining()) {
            channel.write(frame);
        }
    }

    /** The next payload from a blocking channel; {@link EOFException} when the peer closed. */
    public static byte[] read(ReadableByteChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER);
        fill(channel, header);
        int length = header.getInt(8);
        if (length < 2 || length > MAX_PAYLOAD) {
            throw new IOException("a VPP API frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(channel, payload);
        return payload.array();
    }

    /** The message id at the start of every payload. */
    public static int messageId(byte[] payload) {
        return ((payload[0] & 0xff) << 8) | (payload[1] & 0xff);
    }

    private static void fill(ReadableByteChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("VPP closed the API connection");
            }
        }
    }
}
