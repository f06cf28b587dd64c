package org.userspacecni.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortState;

/**
 * What the switches show now of the attachments a data directory's journal records with a host end: for each, its
 * engine's {@link org.userspacecni.spi.HostSide#portState}, asked with the attachment and port ADD recorded; and,
 * for each network of the journal, the ports of the plugin's on its switch that belong to no journaled attachment
 * ({@link org.userspacecni.spi.HostSide#strayPorts}). A read changes nothing, so it takes no lock; an attachment
 * or network its engine cannot answer for (switch unreachable, engine not installed) carries the reason instead.
 * The daemon's metrics, {@code userspace metrics} and {@code userspace status} all read through here.
 */
final class PortStates {

    /** One attachment: what the journal says of it and what its switch shows, or why the switch could not say. */
    record Observed(AttachmentJournal.Entry entry, AttachmentJournal.HostEnd end, Optional<PortState> state,
            Optional<String> error) {

        String engine() {
            return end.attachment().host().engine();
        }

        /** The link as a word: up, down, absent, or unknown when the switch could not say. */
        String link() {
            return state.map(known -> known.link().name().toLowerCase()).orElse("unknown");
        }
    }

    /**
     * The ports of the plugin's on a network's switch that no journaled attachment has (what GC would remove), for
     * a network whose switch could be asked.
     */
    record Strays(String network, String engine, List<String> ports) {
    }

    /** What one read found. */
    record Report(List<Observed> attachments, List<Strays> strays) {

        static Report merge(List<Report> reports) {
            return new Report(reports.stream().flatMap(report -> report.attachments().stream()).toList(),
                    reports.stream().flatMap(report -> report.strays().stream()).toList());
        }
    }

    private PortStates() {
    }

    /** Every attachment with a host end in {@code dataDir}'s journal as its switch shows it now, and the strays. */
    static Report read(BackendRegistry registry, BackendContext context, Path dataDir) {
        List<Observed> observed = new ArrayList<>();
        List<Strays> strays = new ArrayList<>();
        Map<String, DatapathBackend> backends = new HashMap<>();
        try {
            List<AttachmentJournal.Entry> journaled = new AttachmentJournal(dataDir).all();
            Map<String, Network> networks = new LinkedHashMap<>();
            for (AttachmentJournal.Entry entry : journaled) {
                if (entry.host().isEmpty()) {
                    continue; // being added or deleted: no port to ask about
                }
                AttachmentJournal.HostEnd end = entry.host().get();
                networks.putIfAbsent(entry.network(), end.attachment().network());
                try {
                    observed.add(new Observed(entry, end, backend(backends, registry, context, end.attachment()
                            .network()).host().portState(end.attachment(), end.port()), Optional.empty()));
                } catch (CniException e) {
                    observed.add(new Observed(entry, end, Optional.empty(), Optional.of(describe(e))));
                }
            }
            networks.forEach((name, network) -> {
                Set<AttachmentId> recorded = journaled.stream().filter(entry -> entry.network().equals(name))
                        .map(AttachmentJournal.Entry::id).collect(Collectors.toSet());
                try {
                    backend(backends, registry, context, network).host().strayPorts(network, recorded)
                            .ifPresent(ports -> strays.add(new Strays(name, network.host().engine(), ports)));
                } catch (CniException e) {
                    // The network's switch cannot be asked: its attachments say why.
                }
            });
        } finally {
            backends.values().forEach(DatapathBackend::close);
        }
        return new Report(observed, strays);
    }

    private static DatapathBackend backend(Map<String, DatapathBackend> backends, BackendRegistry registry,
            BackendContext context, Network network) {
        String engine = network.host().engine();
        DatapathBackend backend = backends.get(engine);
        if (backend == null) {
            backend = registry.provider(engine).create(context);
            backends.put(engine, backend);
        }
        return backend;
    }

    private static String describe(CniException e) {
        return "error " + e.code() + ": " + e.getMessage();
    }
}
