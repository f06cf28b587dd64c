package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.userspacecni.core.Json;
import org.userspacecni.testkit.CniInvocation;

/**
 * The daemon's metrics as Prometheus sees them: a real Prometheus (Debian's, started privately on a free port with
 * its data in the test's directory) scrapes the daemon's {@code --metrics} endpoint, and its HTTP API must show the
 * requests the test made, by command and code, their latency, and the slots in use.
 */
class DaemonMetricsIT extends PluginFixtureTest {

    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Duration SCRAPED_WITHIN = Duration.ofSeconds(60);

    @Test
    void prometheusScrapesTheRequestsTheDaemonAnswered() throws Exception {
        assertThat(PROMETHEUS).as("Debian's prometheus, which scripts/test installs").isExecutable();
        int metricsPort = freePort();
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of(), "--metrics",
                "127.0.0.1:" + metricsPort);
                Prometheus prometheus = Prometheus.start(root.resolve("prometheus"), freePort(), metricsPort)) {
            daemon.awaitLine("userspace daemon: serving metrics on http://127.0.0.1:" + metricsPort + "/metrics",
                    Duration.ofSeconds(10));
            CniInvocation plugin = fixture.attachment("m3tr1csabcdef01", "net1")
                    .env("USERSPACE_CNI_DAEMON_SOCKET", daemon.socket.toString())
                    .env("USERSPACE_CNI_JAVA", CniInvocation.NO_JAVA);
            assertThat(plugin.run("ADD", fixture.config("1.1.0", "")).exitCode()).isZero();
            CniInvocation.Outcome again = plugin.run("ADD", fixture.config("1.1.0", ""));
            assertThat(again.stdout()).contains("\"code\":4");
            assertThat(plugin.run("DEL", fixture.config("1.1.0", "")).exitCode()).isZero();

            assertThat(prometheus.awaitValue("userspace_cni_requests_total{command=\"ADD\",code=\"0\"}", 1))
                    .isEqualTo(1);
            assertThat(prometheus.awaitValue("userspace_cni_requests_total{command=\"ADD\",code=\"4\"}", 1))
                    .isEqualTo(1);
            assertThat(prometheus.awaitValue("userspace_cni_requests_total{command=\"DEL\",code=\"0\"}", 1))
                    .isEqualTo(1);
            assertThat(prometheus.awaitValue("userspace_cni_request_duration_seconds_count{command=\"ADD\"}", 2))
                    .isEqualTo(2);
            assertThat(prometheus.awaitValue(
                    "userspace_cni_request_duration_seconds_bucket{command=\"DEL\",le=\"+Inf\"}", 1)).isEqualTo(1);
            assertThat(prometheus.awaitValue("userspace_cni_requests_in_flight", 0)).isZero();
            assertThat(prometheus.awaitValue("userspace_cni_requests_queued", 0)).isZero();
        }
    }

    @Test
    void aMetricsAddressInUseStopsTheDaemonAndLeavesNoSocket() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path socket = root.resolve("run/daemon.sock");
            Process daemon = DaemonProcess.command(socket, "--metrics", "127.0.0.1:" + taken.getLocalPort())
                    .redirectErrorStream(true).start();
            String said = new String(daemon.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(said).isEqualTo(1);
            assertThat(said).contains("cannot serve metrics on 127.0.0.1 port " + taken.getLocalPort());
            assertThat(socket).doesNotExist();
            assertThat(PluginDaemon.pidFile(socket)).doesNotExist();
        }
    }

    @Test
    void aMetricsAddressThatIsNoAddressIsBadUsage() throws Exception {
        for (String address : new String[] {"::1:9000", "127.0.0.1:http", "127.0.0.1:70000", ":9000"}) {
            Process daemon = DaemonProcess.command(root.resolve("run/daemon.sock"), "--metrics", address).start();
            String stderr = new String(daemon.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(daemon.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(daemon.exitValue()).as(address + ": " + stderr).isEqualTo(2);
            assertThat(stderr).contains("--metrics takes [HOST:]PORT");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** A private Prometheus scraping the daemon every second; stopped (SIGTERM, then waited for) on close. */
    private static final class Prometheus implements AutoCloseable {

        private final Process process;
        private final URI api;
        private final HttpClient http = HttpClient.newHttpClient();

        private Prometheus(Process process, URI api) {
            this.process = process;
            this.api = api;
        }

        static Prometheus start(Path directory, int port, int metricsPort) throws Exception {
            Files.createDirectories(directory);
            Path config = Files.writeString(directory.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: 1s
                    scrape_configs:
                      - job_name: userspace-cni
                        static_configs:
                          - targets: ["127.0.0.1:%d"]
                    """.formatted(metricsPort));
            Process process = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                    "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                    .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
            Prometheus prometheus = new Prometheus(process, URI.create("http://127.0.0.1:" + port));
            prometheus.awaitReady(directory.resolve("prometheus.log"));
            return prometheus;
        }

        private void awaitReady(Path log) throws Exception {
            Instant deadline = Instant.now().plus(SCRAPED_WITHIN);
            while (true) {
                assertThat(process.isAlive()).as("prometheus runs: %s", log).isTrue();
                try {
                    if (http.send(HttpRequest.newBuilder(api.resolve("/-/ready")).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (IOException notYet) {
                    // Not listening yet.
                }
                assertThat(Instant.now()).as("prometheus ready within %s: %s", SCRAPED_WITHIN, Files.readString(log))
                        .isBefore(deadline);
                Thread.sleep(100);
            }
        }

        /**
         * The value of {@code query} once Prometheus has scraped one of at least {@code atLeast}; fails when it has
         * not within a minute.
         */
        long awaitValue(String query, long atLeast) throws Exception {
            Instant deadline = Instant.now().plus(SCRAPED_WITHIN);
            JsonNode last = null;
            while (Instant.now().isBefore(deadline)) {
                HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(api.resolve("/api/v1/query?query="
                        + URLEncoder.encode(query, StandardCharsets.UTF_8))).build(),
                        HttpResponse.BodyHandlers.ofByteArray());
                last = Json.readTree(response.body());
                JsonNode result = last.path("data").path("result");
                if (result.size() == 1) {
                    long value = (long) Double.parseDouble(result.get(0).path("value").get(1).asText());
                    if (value >= atLeast) {
                        return value;
                    }
                }
                Thread.sleep(200);
            }
            throw new AssertionError("Prometheus did not see " + query + " >= " + atLeast + " within "
                    + SCRAPED_WITHIN + "; it said " + last);
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
