package org.userspacecni.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.userspacecni.core.Json;

/**
 * A real Prometheus (Debian's, which scripts/test installs), started privately on a free port with its data in the
 * test's directory, scraping one target every second; the test asks its HTTP API what it scraped. Stopped (SIGTERM,
 * then waited for) on close.
 */
public final class PrivatePrometheus implements AutoCloseable {

    public static final Path PROGRAM = Path.of("/usr/bin/prometheus");
    private static final Duration WITHIN = Duration.ofSeconds(60);

    private final Process process;
    private final URI api;
    private final HttpClient http = HttpClient.newHttpClient();

    private PrivatePrometheus(Process process, URI api) {
        this.process = process;
        this.api = api;
    }

    /** Starts one in {@code directory} scraping {@code 127.0.0.1:targetPort}, and waits until it is ready. */
    public static PrivatePrometheus start(Path directory, int targetPort) throws IOException, InterruptedException {
        if (!Files.isExecutable(PROGRAM)) {
            throw new IllegalStateException(PROGRAM + " is missing: scripts/test installs Debian's prometheus");
        }
        Files.createDirectories(directory);
        Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: userspace-cni
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(targetPort));
        int port = freePort();
        Process process = new ProcessBuilder(PROGRAM.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        PrivatePrometheus prometheus = new PrivatePrometheus(process, URI.create("http://127.0.0.1:" + port));
        try {
            prometheus.awaitReady(directory.resolve("prometheus.log"));
        } catch (RuntimeException | IOException | InterruptedException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    /** A TCP port of the loopback address that is free now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("prometheus ended: " + Files.readString(log));
            }
            try {
                if (http.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // Not listening yet.
            }
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("prometheus not ready within " + WITHIN + ": " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /**
     * The value of {@code query}, a PromQL expression of one series, once Prometheus has scraped one of at least
     * {@code atLeast}; fails when it has not within a minute.
     */
    public long awaitValue(String query, long atLeast) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = query(query);
            JsonNode result = last.path("data").path("result");
            if (result.size() == 1) {
                long value = (long) Double.parseDouble(result.get(0).path("value").get(1).asText());
                if (value >= atLeast) {
                    return value;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus did not see " + query + " >= " + atLeast + " within " + WITHIN
                + "; it said " + last);
    }

    /** Returns once Prometheus has no series for {@code query} (it marks a vanished one stale at the next scrape). */
    public void awaitAbsent(String query) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(WITHIN);
        JsonNode last = null;
        while (Instant.now().isBefore(deadline)) {
            last = query(query);
            if (last.path("status").asText().equals("success") && last.path("data").path("result").isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("Prometheus still had " + query + " after " + WITHIN + "; it said " + last);
    }

    /** The names of every series Prometheus has scraped so far. */
    public Set<String> seriesNames() throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/label/__name__/values"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        Set<String> names = new TreeSet<>();
        Json.readTree(response.body()).path("data").forEach(name -> names.add(name.asText()));
        return names;
    }

    /** What Prometheus answers to the instant query {@code query} now: its whole JSON answer. */
    public JsonNode query(String query) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/query?query="
                + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofByteArray());
        return Json.readTree(response.body());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
