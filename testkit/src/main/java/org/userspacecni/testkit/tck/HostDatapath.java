package org.userspacecni.testkit.tck;

import java.util.Map;
import java.util.Set;
import org.userspacecni.spi.AttachmentId;

/**
 * What a backend's {@link HostSideContract} needs from its test: a datapath of its own, started for the test
 * class, and a way to look at it that does not go through the backend. Everything here is read from the
 * datapath itself (a database, the kernel, a control socket), so that the contract checks what the backend
 * did, not what it says it did.
 */
public interface HostDatapath extends AutoCloseable {

    /**
     * The {@code host} section of a network configuration that asks this engine for ports on this datapath,
     * as a JSON object: {@code engine}, {@code iftype} and whatever the engine needs to reach the datapath
     * ({@code options}). The contract adds {@code sharedDir} and the network's name around it.
     */
    String hostSection();

    /**
     * {@code host} sections the engine must refuse before it changes anything (a bridge name that is not
     * one, an option out of range): each ADD with one fails with code 2 or 7 and leaves the datapath and the
     * shared directory as they were.
     */
    default Set<String> refusedHostSections() {
        return Set.of();
    }

    /** The environment the programs hand the backend ({@code BackendContext#environment}). */
    default Map<String, String> environment() {
        return Map.of();
    }

    /** How many ports of {@code network} the datapath holds now, by the engine's marks on them. */
    int ports(String network);

    /** Whether the datapath holds a port of attachment {@code id} of {@code network}, by the engine's marks. */
    boolean holds(String network, AttachmentId id);

    /** Adds a port the operator made by hand, not the engine's, and returns its name. */
    String addOperatorPort(String name);

    /** Whether the operator's port {@code name} is still there. */
    boolean hasOperatorPort(String name);

    /**
     * Whether the engine's GC needs the datapath that {@link #stop()} takes away. It does where the engine's
     * marks live in the datapath (rows of the switch's database), and GC then fails with code 11 while it is
     * stopped. An engine whose marks are its own files and processes finds and removes what is not valid
     * without it, and should: its GC then succeeds while the datapath is stopped.
     */
    default boolean gcNeedsTheDatapath() {
        return true;
    }

    /** Makes the datapath unreachable: its control plane stops answering. */
    void stop();

    /** Brings a stopped datapath back; one that keeps nothing across restarts (VPP) comes back empty. */
    void restart();

    @Override
    void close();
}
