package org.userspacecni.backend.vpp.api;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A client of VPP's binary API over its unix socket ({@code /run/vpp/api.sock} unless configured otherwise).
 * {@link #connect} registers with {@code sockclnt_create} and keeps VPP's message table: every message is
 * sent and recognised by the id VPP registered for its {@code name_crc}, and {@link #require} refuses a VPP
 * that lacks one we need. {@link #call} sends a request and waits for its reply, matched by context;
 * {@link #dump} collects the details of a dump up to the {@code control_ping_reply} that ends it. Every wait
 * is bounded by the timeout. {@link #close} unregisters with {@code sockclnt_delete}. Not thread-safe.
 */
public final class VppApiClient implements AutoCloseable {

    static final int SOCKCLNT_CREATE_ID = 15;
    static final int SOCKCLNT_CREATE_REPLY_ID = 16;
    static final String CLIENT_NAME = "userspace-cni";

    private final SocketChannel channel;
    private final Selector selector;
    private final Codec codec;
    private final Duration timeout;
    private final Path socket;
    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<Integer, String> names = new HashMap<>();
    private long clientIndex;
    private int context;

    private VppApiClient(SocketChannel channel, Selector selector, Codec codec, Duration timeout, Path socket) {
        this.channel = channel;
        this.selector = selector;
        this.codec = codec;
        this.timeout = timeout;
        this.socket = socket;
    }

    /** Connects and registers; a VPP that is not there or does not answer is {@link VppApiException#unreachable()}. */
    public static VppApiClient connect(Path socket, Codec codec, Duration timeout) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            Selector selector = Selector.open();
            VppApiClient client = new VppApiClient(channel, selector, codec, timeout, socket);
            client.register();
            return client;
        } catch (IOException e) {
            closeQuietly(channel);
            throw VppApiException.unreachable("cannot reach VPP's API at " + socket + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private void register() throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> create = new LinkedHashMap<>();
        create.put("_vl_msg_id", SOCKCLNT_CREATE_ID);
        create.put("context", 1);
        create.put("name", CLIENT_NAME);
        send(codec.encode("sockclnt_create", create), deadline);
        byte[] payload;
        do {
            payload = receive(deadline);
        } while (Frames.messageId(payload) != SOCKCLNT_CREATE_REPLY_ID);
        Map<String, Object> reply = codec.decode("sockclnt_create_reply", payload);
        if (((Number) reply.get("response")).intValue() != 0) {
            throw VppApiException.refused("sockclnt_create", ((Number) reply.get("response")).intValue());
        }
        clientIndex = ((Number) reply.get("index")).longValue();
        for (Object entry : (List<?>) reply.get("message_table")) {
            Map<?, ?> row = (Map<?, ?>) entry;
            ids.put((String) row.get("name"), ((Number) row.get("index")).intValue());
        }
        for (Map.Entry<String, Integer> id : ids.entrySet()) {
            String nameCrc = id.getKey();
            int cut = nameCrc.lastIndexOf('_');
            if (cut > 0) {
                codec.definitions().findMessage(nameCrc.substring(0, cut))
                        .filter(message -> message.nameCrc().equals(nameCrc))
                        .ifPresent(message -> names.put(id.getValue(), message.name()));
            }
        }
    }

    /**
     * Fails, naming them all, when VPP lacks any of these messages (with their replies) in exactly our
     * definition: an older or newer VPP whose CRCs differ, or a plugin that is not loaded.
     */
    public void require(Collection<String> requests) {
        Set<String> missing = missing(requests);
        if (!missing.isEmpty()) {
            throw VppApiException.incompatible("the VPP at " + socket + " lacks the API messages " + missing
                    + " (a VPP whose definitions differ from 24.10-26.06, or a plugin that is not loaded)");
        }
    }

    /** Whether VPP has all these messages (with their replies) in exactly our definition. */
    public boolean supports(Collection<String> requests) {
        return missing(requests).isEmpty();
    }

    private Set<String> missing(Collection<String> requests) {
        TreeSet<String> missing = new TreeSet<>();
        for (String request : requests) {
            List<String> needed = new ArrayList<>(List.of(request, codec.definitions().replyOf(request)));
            if (codec.definitions().isDump(request)) {
                needed.addAll(List.of("control_ping", "control_ping_reply"));
            }
            for (String name : needed) {
                String nameCrc = codec.definitions().message(name).nameCrc();
                if (!ids.containsKey(nameCrc)) {
                    missing.add(nameCrc);
                }
            }
        }
        return missing;
    }

    /** Sends a request and returns its reply; a negative {@code retval} is a {@link VppApiException}. */
    public Map<String, Object> call(String request, Map<String, ?> arguments) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int sent = send(request, arguments, deadline);
        String replyName = codec.definitions().replyOf(request);
        while (true) {
            byte[] payload = receiveOrFail(request, deadline);
            if (replyName.equals(names.get(Frames.messageId(payload))) && context(payload) == sent) {
                Map<String, Object> reply = codec.decode(replyName, payload);
                int retval = ((Number) reply.getOrDefault("retval", 0L)).intValue();
                if (retval < 0) {
                    throw VppApiException.refused(request, retval);
                }
                return reply;
            }
        }
    }

    /** Runs a dump and returns its details messages, in VPP's order. */
    public List<Map<String, Object>> dump(String request, Map<String, ?> arguments) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int sent = send(request, arguments, deadline);
        send("control_ping", Map.of(), deadline, sent);
        String detailsName = codec.definitions().replyOf(request);
        List<Map<String, Object>> details = new ArrayList<>();
        while (true) {
            byte[] payload = receiveOrFail(request, deadline);
            String name = names.get(Frames.messageId(payload));
            if (context(payload) != sent) {
                continue;
            }
            if (detailsName.equals(name)) {
                details.add(codec.decode(detailsName, payload));
            } else if ("control_ping_reply".equals(name)) {
                return details;
            }
        }
    }

    /** Unregisters and closes the connection. */
    @Override
    public void close() {
        try {
            if (channel.isOpen() && ids.containsKey(codec.definitions().message("sockclnt_delete").nameCrc())) {
                long deadline = System.nanoTime() + Math.min(timeout.toNanos(), Duration.ofSeconds(1).toNanos());
                send("sockclnt_delete", Map.of("index", clientIndex), deadline);
            }
        } catch (VppApiException e) {
            // VPP frees the registration when the connection closes anyway
        } finally {
            closeQuietly(channel);
            try {
                selector.close();
            } catch (IOException e) {
                // nothing left to release
            }
        }
    }

    private int send(String request, Map<String, ?> arguments, long deadline) {
        return send(request, arguments, deadline, ++context);
    }

    private int send(String request, Map<String, ?> arguments, long deadline, int requestContext) {
        String nameCrc = codec.definitions().message(request).nameCrc();
        Integer id = ids.get(nameCrc);
        if (id == null) {
            throw VppApiException.incompatible("the VPP at " + socket + " lacks the API message " + nameCrc);
        }
        Map<String, Object> values = new LinkedHashMap<>(arguments);
        values.put("_vl_msg_id", id);
        values.put("client_index", clientIndex);
        values.put("context", requestContext);
        try {
            send(codec.encode(request, values), deadline);
        } catch (IOException e) {
            throw VppApiException.unreachable("lost VPP's API at " + socket + " sending " + request + ": "
                    + e.getMessage(), e);
        }
        return requestContext;
    }

    private byte[] receiveOrFail(String request, long deadline) {
        try {
            return receive(deadline);
        } catch (IOException e) {
            throw VppApiException.unreachable("no answer from VPP's API at " + socket + " to " + request + ": "
                    + e.getMessage(), e);
        }
    }

    /** The context of a reply or details message: the u32 after the message id. */
    private static int context(byte[] payload) {
        return payload.length < 6 ? -1 : ByteBuffer.wrap(payload, 2, 4).getInt();
    }

    private void send(byte[] payload, long deadline) throws IOException {
        ByteBuffer frame = ByteBuffer.wrap(Frames.frame(payload));
        while (frame.hasRemaining()) {
            if (channel.write(frame) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    private byte[] receive(long deadline) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(Frames.HEADER);
        fill(header, deadline);
        int length = header.getInt(8);
        if (length < 2 || length > Frames.MAX_PAYLOAD) {
            throw new IOException("a frame of " + Integer.toUnsignedString(length) + " bytes");
        }
        ByteBuffer payload = ByteBuffer.allocate(length);
        fill(payload, deadline);
        return payload.array();
    }

    private void fill(ByteBuffer buffer, long deadline) throws IOException {
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer);
            if (read < 0) {
                throw new IOException("VPP closed the connection");
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
    }

    private void await(int operation, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new IOException("timed out after " + timeout.toMillis() + " ms");
        }
        SelectionKey key = channel.register(selector, operation);
        try {
            selector.select(Math.max(1, left / 1_000_000));
        } finally {
            key.interestOps(0);
            selector.selectedKeys().clear();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
