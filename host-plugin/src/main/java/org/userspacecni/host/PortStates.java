package org.userspacecni.host;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.PortState;

/**
 * What the switches show now of the attachments a data directory's journal records with a host end: for each, its
 * engine's {@link org.userspacecni.spi.HostSide#portState}, asked with the attachment and port ADD recorded. A read
 * changes nothing, so it takes no lock; an attachment its engine cannot answer for (switch unreachable, engine not
 * installed) carries the reason instead. The daemon's metrics, {@code userspace metrics} and {@code userspace
 * status} all read through here.
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

    private PortStates() {
    }

    /** Every attachment with a host end in {@code dataDir}'s journal, as its switch shows it now. */
    static List<Observed> read(BackendRegistry registry, BackendContext context, Path dataDir) {
        List<Observed> observed = new ArrayList<>();
        Map<String, DatapathBackend> backends = new HashMap<>();
        try {
            for (AttachmentJournal.Entry entry : new AttachmentJournal(dataDir).all()) {
                if (entry.host().isEmpty()) {
                    continue; // being added or deleted: no port to ask about
                }
                AttachmentJournal.HostEnd end = entry.host().get();
                String engine = end.attachment().host().engine();
                try {
                    DatapathBackend backend = backends.get(engine);
                    if (backend == null) {
                        backend = registry.provider(engine).create(context);
                        backends.put(engine, backend);
                    }
                    observed.add(new Observed(entry, end, backend.host().portState(end.attachment(), end.port()),
                            Optional.empty()));
                } catch (CniException e) {
                    observed.add(new Observed(entry, end, Optional.empty(), Optional.of("error " + e.code() + ": "
                            + e.getMessage())));
                }
            }
        } finally {
            backends.values().forEach(DatapathBackend::close);
        }
        return observed;
    }
}
