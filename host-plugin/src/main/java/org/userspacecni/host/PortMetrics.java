package org.userspacecni.host;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.userspacecni.spi.PortState;

/**
 * The attachments' series, read from their switches at each scrape ({@link PortStates}): whether each port is there
 * and its link up, and the switch's counters of it, labelled with network, Kubernetes namespace and pod (empty
 * without a pod), container id, interface, engine and port. An attachment whose switch could not answer has only
 * {@code userspace_cni_attachment_info}, whose {@code link} label is then {@code unknown}. Beside them, how many of
 * the plugin's ports on each network's switch no attachment has ({@code userspace_cni_stray_ports}). The series are
 * listed in docs/operations.md.
 */
final class PortMetrics implements MultiCollector {

    private static final String PREFIX = "userspace_cni_attachment_";
    private static final String STRAY = "userspace_cni_stray_ports";
    private static final List<String> LABELS = List.of("network", "namespace", "pod", "container_id", "interface",
            "engine", "port");

    /** One counter of a port: its name after the prefix, its help, and where it is in a {@link PortState}. */
    private record Counted(String name, String help, ToLongFunction<PortState> value) {
    }

    private static final List<Counted> COUNTERS = List.of(
            new Counted("receive_packets", "Packets the switch received from the container", PortState::rxPackets),
            new Counted("receive_bytes", "Bytes the switch received from the container", PortState::rxBytes),
            new Counted("receive_dropped", "Packets from the container the switch dropped", PortState::rxDropped),
            new Counted("receive_errors", "Receive errors of the port", PortState::rxErrors),
            new Counted("transmit_packets", "Packets the switch sent to the container", PortState::txPackets),
            new Counted("transmit_bytes", "Bytes the switch sent to the container", PortState::txBytes),
            new Counted("transmit_dropped", "Packets to the container the switch dropped", PortState::txDropped),
            new Counted("transmit_errors", "Transmit errors of the port", PortState::txErrors));

    private final Supplier<PortStates.Report> states;

    PortMetrics(Supplier<PortStates.Report> states) {
        this.states = states;
    }

    /** Writes the series of {@code report} once, in Prometheus' text format: {@code userspace metrics}. */
    static void write(PortStates.Report report, OutputStream out) throws IOException {
        PrometheusTextFormatWriter.create().write(out, snapshots(report));
    }

    @Override
    public MetricSnapshots collect() {
        return snapshots(states.get());
    }

    @Override
    public List<String> getPrometheusNames() {
        List<String> names = new ArrayList<>(List.of(PREFIX + "info", PREFIX + "port_present", PREFIX + "link_up",
                STRAY));
        COUNTERS.forEach(counter -> names.add(PREFIX + counter.name()));
        return names;
    }

    private static MetricSnapshots snapshots(PortStates.Report report) {
        GaugeSnapshot.Builder info = GaugeSnapshot.builder().name(PREFIX + "info")
                .help("1 for each attachment the plugin made and has not removed; link is up, down, absent or unknown");
        GaugeSnapshot.Builder present = GaugeSnapshot.builder().name(PREFIX + "port_present")
                .help("1 while the switch has the attachment's port, 0 when it lost it");
        GaugeSnapshot.Builder up = GaugeSnapshot.builder().name(PREFIX + "link_up")
                .help("1 while the port's link is up: the container's end is connected");
        List<CounterSnapshot.Builder> counters = COUNTERS.stream().map(counter -> CounterSnapshot.builder()
                .name(PREFIX + counter.name()).help(counter.help() + ", as the switch counts it")).toList();
        Set<Labels> seen = new HashSet<>();
        for (PortStates.Observed attachment : report.attachments()) {
            Labels labels = labels(attachment);
            if (!seen.add(labels)) {
                continue; // the same attachment in a second data directory: one series each
            }
            info.dataPoint(GaugeDataPointSnapshot.builder().labels(labels.add("link", attachment.link())).value(1)
                    .build());
            if (attachment.state().isEmpty()) {
                continue;
            }
            PortState state = attachment.state().get();
            present.dataPoint(gauge(labels, state.link() != PortState.Link.ABSENT));
            up.dataPoint(gauge(labels, state.link() == PortState.Link.UP));
            if (state.link() == PortState.Link.ABSENT) {
                continue;
            }
            for (int i = 0; i < COUNTERS.size(); i++) {
                counters.get(i).dataPoint(CounterDataPointSnapshot.builder().labels(labels)
                        .value(COUNTERS.get(i).value().applyAsLong(state)).build());
            }
        }
        GaugeSnapshot.Builder strays = GaugeSnapshot.builder().name(STRAY)
                .help("Ports of the plugin's on a network's switch that no attachment it made has: what GC removes");
        Set<Labels> networks = new HashSet<>();
        for (PortStates.Strays network : report.strays()) {
            Labels labels = Labels.of("network", network.network(), "engine", network.engine());
            if (networks.add(labels)) {
                strays.dataPoint(GaugeDataPointSnapshot.builder().labels(labels).value(network.ports().size()).build());
            }
        }
        MetricSnapshots.Builder all = MetricSnapshots.builder().metricSnapshot(info.build())
                .metricSnapshot(present.build()).metricSnapshot(up.build()).metricSnapshot(strays.build());
        counters.forEach(counter -> all.metricSnapshot(counter.build()));
        return all.build();
    }

    private static GaugeDataPointSnapshot gauge(Labels labels, boolean value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value ? 1 : 0).build();
    }

    private static Labels labels(PortStates.Observed attachment) {
        AttachmentJournal.HostEnd end = attachment.end();
        return Labels.of(LABELS, List.of(attachment.entry().network(),
                end.pod().map(AttachmentJournal.Pod::namespace).orElse(""),
                end.pod().map(AttachmentJournal.Pod::name).orElse(""), attachment.entry().id().containerId(),
                attachment.entry().id().ifName(), attachment.engine(), end.port().name()));
    }
}
