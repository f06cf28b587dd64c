package org.userspacecni.store.kubernetes;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The clients of one process, one per source of credentials (a kubeconfig file, or the in-cluster service account),
 * kept while the credentials stay what they were: in the plugin's daemon every request of a source leases the same
 * client, its TLS session and its connections, instead of building a client and shaking hands anew for each one.
 * When a source's credentials change (a rotated token, an edited kubeconfig) the next lease gets a new client, and
 * the old one is closed once the last request using it has let it go.
 *
 * @param <C> the client
 */
final class SharedClients<C extends AutoCloseable> {

    /** More sources than this, and the one leased longest ago is let go: a process rarely has more than one. */
    static final int MAX_SOURCES = 8;

    /** A client lent to one request; {@link #close()} gives it back. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private boolean returned;

        private Lease(Entry entry) {
            this.entry = entry;
        }

        C client() {
            return entry.client;
        }

        @Override
        public void close() {
            synchronized (SharedClients.this) {
                if (returned) {
                    return;
                }
                returned = true;
                entry.users--;
                entry.closeIfDone();
            }
        }
    }

    private final class Entry {
        final String credentials;
        final C client;
        int users;
        /** No longer handed out: closed as soon as no request uses it. */
        boolean replaced;

        Entry(String credentials, C client) {
            this.credentials = credentials;
            this.client = client;
        }

        void closeIfDone() {
            if (replaced && users == 0) {
                try {
                    client.close();
                } catch (Exception e) {
                    // A client that fails to close holds nothing this process still needs.
                }
            }
        }
    }

    private final Map<String, Entry> bySource = new LinkedHashMap<>(MAX_SOURCES, 0.75f, true);

    /**
     * The client of {@code source} for {@code credentials} (everything the client is built from), built by {@code
     * build} if there is none yet or the source's credentials changed.
     */
    synchronized Lease lease(String source, String credentials, Supplier<C> build) {
        Entry entry = bySource.get(source);
        if (entry == null || !entry.credentials.equals(credentials)) {
            Entry built = new Entry(credentials, build.get());
            if (entry != null) {
                entry.replaced = true;
                entry.closeIfDone();
            }
            bySource.put(source, built);
            entry = built;
            if (bySource.size() > MAX_SOURCES) {
                Iterator<Entry> eldest = bySource.values().iterator();
                Entry dropped = eldest.next();
                eldest.remove();
                dropped.replaced = true;
                dropped.closeIfDone();
            }
        }
        entry.users++;
        return new Lease(entry);
    }
}
