package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * An RFC 7047 OVSDB client over a unix socket: JSON-RPC 1.0 requests answered by id, the server's
 * {@code echo} keep-alives answered, and {@code update} notifications of monitors passed to their
 * listeners. Messages arrive back to back with no delimiter, so a streaming parser reads them on a
 * daemon thread; callers block on their own answer with a timeout.
 */
final class OvsdbClient implements AutoCloseable {

    static final String DATABASE = "Open_vSwitch";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final SocketChannel channel;
    private final Duration timeout;
    private final AtomicLong ids = new AtomicLong();
    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final Map<String, Consumer<JsonNode>> monitors = new ConcurrentHashMap<>();
    private volatile boolean closed;

    private OvsdbClient(SocketChannel channel, Duration timeout) {
        this.channel = channel;
        this.timeout = timeout;
        Thread reader = new Thread(this::readMessages, "ovsdb-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Connects to the server's unix socket; a server that is not there is a transient failure. */
    static OvsdbClient connect(Path socket, Duration timeout) {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        } catch (IOException e) {
            throw new OvsdbException("cannot open a unix socket", false, e);
        }
        try {
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel);
            throw new OvsdbException("OVSDB is not reachable at " + socket + ": " + e.getMessage(), true, e);
        }
        return new OvsdbClient(channel, timeout);
    }

    /** Runs one transaction on the Open_vSwitch database; a failed operation aborts it and is thrown. */
    ArrayNode transact(List<ObjectNode> operations) {
        ArrayNode params = NODES.arrayNode().add(DATABASE);
        operations.forEach(params::add);
        JsonNode result = call("transact", params);
        for (int i = 0; i < result.size(); i++) {
            JsonNode entry = result.get(i);
            if (entry != null && entry.hasNonNull("error")) {
                String operation = i < operations.size() ? operations.get(i).path("op").asText() + " "
                        + operations.get(i).path("table").asText() : "commit";
                throw new OvsdbTransactionException(operation, entry.path("error").asText(),
                        entry.path("details").asText(""));
            }
        }
        return (ArrayNode) result;
    }

    /**
     * Starts a monitor of some columns of one table: {@code listener} gets the initial rows and every later
     * {@code table-updates} object.
     */
    void monitor(String table, List<String> columns, Consumer<JsonNode> listener) {
        String monitorId = "monitor-" + ids.incrementAndGet();
        ArrayNode columnNames = NODES.arrayNode();
        columns.forEach(columnNames::add);
        ObjectNode requests = NODES.objectNode();
        requests.putObject(table).set("columns", columnNames);
        monitors.put(monitorId, listener);
        JsonNode initial = call("monitor", NODES.arrayNode().add(DATABASE).add(monitorId).add(requests));
        listener.accept(initial);
    }

    JsonNode echo() {
        return call("echo", NODES.arrayNode().add("ping"));
    }

    private JsonNode call(String method, ArrayNode params) {
        String id = method + "-" + ids.incrementAndGet();
        CompletableFuture<JsonNode> answer = new CompletableFuture<>();
        pending.put(id, answer);
        try {
            send(NODES.objectNode().put("method", method).<ObjectNode>set("params", params).put("id", id));
            JsonNode response = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.hasNonNull("error")) {
                throw new OvsdbException("OVSDB refused " + method + ": " + response.get("error"), false, null);
            }
            return response.path("result");
        } catch (TimeoutException e) {
            throw new OvsdbException("OVSDB did not answer " + method + " within " + timeout.toMillis() + " ms",
                    true, e);
        } catch (ExecutionException e) {
            throw new OvsdbException("OVSDB connection lost during " + method + ": " + e.getCause().getMessage(),
                    true, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new OvsdbException("interrupted while waiting for OVSDB", true, e);
        } finally {
            pending.remove(id);
        }
    }

    private void send(ObjectNode message) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(OvsdbJson.bytes(message));
            synchronized (channel) {
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
            }
        } catch (IOException e) {
            throw new OvsdbException("cannot write to OVSDB: " + e.getMessage(), true, e);
        }
    }

    private void readMessages() {
        Throwable end = new IOException("connection closed by the server");
        try (InputStream in = Channels.newInputStream(channel); JsonParser parser = OvsdbJson.parser(in)) {
            for (JsonNode message = OvsdbJson.next(parser); message != null; message = OvsdbJson.next(parser)) {
                dispatch(message);
            }
        } catch (IOException | RuntimeException e) {
            end = e;
        }
        if (!closed) {
            Throwable reason = end;
            pending.values().forEach(answer -> answer.completeExceptionally(reason));
        }
    }

    private void dispatch(JsonNode message) {
        String method = message.path("method").asText(null);
        if (method == null) {
            CompletableFuture<JsonNode> answer = pending.get(message.path("id").asText());
            if (answer != null) {
                answer.complete(message);
            }
        } else if (method.equals("echo")) {
            send(NODES.objectNode().<ObjectNode>set("result", message.path("params")).putNull("error")
                    .<ObjectNode>set("id", message.path("id")));
        } else if (method.equals("update")) {
            Consumer<JsonNode> listener = monitors.get(message.path("params").path(0).asText());
            if (listener != null) {
                listener.accept(message.path("params").path(1));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // Nothing more to release.
        }
    }
}
