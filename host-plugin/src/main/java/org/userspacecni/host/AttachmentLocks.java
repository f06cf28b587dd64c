package org.userspacecni.host;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The daemon's requests for one attachment, one at a time and in the order they came: a runtime's DEL waits
 * for an ADD of the same attachment still under way (and for the undo of that ADD if its runtime gave up)
 * instead of interleaving with it. Requests for other attachments are not held up. A lock lives only while a
 * request holds or awaits it.
 */
final class AttachmentLocks {

    /** An attachment as a runtime names it: the network, the container and the interface in it. */
    record Key(String network, String containerId, String ifName) {
    }

    /** A held lock; closing it lets the next request for the attachment go on. */
    interface Held extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Entry {
        final ReentrantLock lock = new ReentrantLock(true);
        int users;
    }

    private final Map<Key, Entry> entries = new HashMap<>();

    /** Waits until no other request holds {@code key}; {@code waiting} runs first if one does. */
    Held hold(Key key, Runnable waiting) {
        Entry entry;
        synchronized (entries) {
            entry = entries.computeIfAbsent(key, k -> new Entry());
            entry.users++;
        }
        // Not tryLock(): it would overtake the requests already waiting.
        if (entry.lock.isLocked()) {
            waiting.run();
        }
        entry.lock.lock();
        return () -> {
            entry.lock.unlock();
            synchronized (entries) {
                if (--entry.users == 0) {
                    entries.remove(key);
                }
            }
        };
    }
}
