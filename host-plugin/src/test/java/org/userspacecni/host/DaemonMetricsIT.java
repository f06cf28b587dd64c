package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.testkit.PrivatePrometheus.freePort;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.PrivatePrometheus;

/**
 * The daemon's metrics as Prometheus sees them: a real Prometheus (Debian's, started privately on a free port with
 * its data in the test's directory) scrapes the daemon's {@code --metrics} endpoint, and its HTTP API must show the
 * requests the test made, by command and code, their latency, and the slots in use.
 */
class DaemonMetricsIT extends PluginFixtureTest {


    @Test
    void prometheusScrapesTheRequestsTheDaemonAnswered() throws Exception {
        int metricsPort = freePort();
        try (DaemonProcess daemon = DaemonProcess.start(root.resolve("run/daemon.sock"), Map.of(), "--metrics",
                "127.0.0.1:" + metricsPort);
                PrivatePrometheus prometheus = PrivatePrometheus.start(root.resolve("prometheus"), metricsPort)) {
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
}
