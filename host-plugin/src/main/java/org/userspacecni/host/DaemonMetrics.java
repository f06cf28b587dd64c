package org.userspacecni.host;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What the daemon did, in Prometheus' text exposition format over HTTP ({@code /metrics}) when an address is given:
 * every answered request by command and CNI code, the latency of ADD, DEL, CHECK and GC (waiting for a slot
 * included, as the runtime sees it), how many requests run and wait now ({@link RequestSlots}), and each
 * attachment's port as its switch shows it ({@link PortMetrics}). The series and
 * their labels are listed in docs/daemon.md. Only the daemon loads this class: its library lives in
 * {@code userspace.d/daemon}, on the daemon's class path alone, so that no CNI command's JVM opens its jars.
 */
final class DaemonMetrics implements AutoCloseable {

    /** The code of a request whose launcher was gone before its answer: nobody received it. */
    static final String ABANDONED = "abandoned";

    private static final Set<CniCommand> TIMED = EnumSet.of(CniCommand.ADD, CniCommand.DEL, CniCommand.CHECK,
            CniCommand.GC);
    private static final String OTHER_COMMAND = "other";

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter requests;
    private final Counter refused;
    private final Histogram latency;
    private volatile Optional<HTTPServer> server = Optional.empty();

    /**
     * The daemon's metrics for {@code slots}, and the series of the attachments {@code ports} reads at each scrape
     * ({@link PortMetrics}): nothing is served until {@link #serve}.
     */
    DaemonMetrics(RequestSlots slots, Supplier<PortStates.Report> ports) {
        requests = Counter.builder().name("userspace_cni_requests")
                .help("CNI requests the daemon answered, by command and CNI code (0: done; abandoned: the launcher"
                        + " was gone before the answer)")
                .labelNames("command", "code").withoutExemplars().register(registry);
        refused = Counter.builder().name("userspace_cni_requests_refused")
                .help("CNI requests answered with code 11 without running: no slot within the daemon's limits")
                .labelNames("command").withoutExemplars().register(registry);
        latency = Histogram.builder().name("userspace_cni_request_duration_seconds")
                .help("Time from a request's arrival to its answer, waiting for a slot included")
                .labelNames("command").classicOnly()
                .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60)
                .withoutExemplars().register(registry);
        GaugeWithCallback.builder().name("userspace_cni_requests_in_flight")
                .help("CNI requests running now, each holding one of the daemon's slots")
                .callback(callback -> callback.call(slots.running())).register(registry);
        GaugeWithCallback.builder().name("userspace_cni_requests_queued")
                .help("CNI requests waiting for a slot now")
                .callback(callback -> callback.call(slots.waiting())).register(registry);
        registry.register(new PortMetrics(ports));
    }

    /**
     * Serves the metrics over HTTP on {@code address} (port 0: a free one) until {@link #close()}; returns their
     * URL.
     */
    String serve(InetSocketAddress address) throws IOException {
        String host = address.getHostString();
        HTTPServer http = HTTPServer.builder().hostname(host).port(address.getPort()).registry(registry)
                .buildAndStart();
        server = Optional.of(http);
        return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + http.getPort() + "/metrics";
    }

    /** A request answered after {@code took}, with its CNI code (0 when it succeeded) or {@link #ABANDONED}. */
    void answered(String command, String code, Duration took) {
        Optional<CniCommand> known = known(command);
        String label = label(known);
        requests.labelValues(label, code).inc();
        if (known.filter(TIMED::contains).isPresent()) {
            latency.labelValues(label).observe(took.toNanos() / 1e9);
        }
    }

    /** A request refused by admission: answered with 11, not run. */
    void refused(String command) {
        String label = label(known(command));
        refused.labelValues(label).inc();
        requests.labelValues(label, "11").inc();
    }

    private static Optional<CniCommand> known(String command) {
        return Arrays.stream(CniCommand.values()).filter(known -> known.name().equals(command)).findFirst();
    }

    /** The command as a label: one of the CNI commands, or {@code other}, so that no request adds series of its own. */
    private static String label(Optional<CniCommand> command) {
        return command.map(CniCommand::name).orElse(OTHER_COMMAND);
    }

    @Override
    public void close() {
        server.ifPresent(HTTPServer::close);
    }
}
