package org.userspacecni.spi;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The host end of attachments: ports on the host's switch whose sockets go where the program places them
 * ({@link Sockets}).
 *
 * <p>Called by the CNI plugin once per CNI command, under its lock for shared state unless
 * {@link #takesConcurrentChanges()} says the engine needs none. Every operation must
 * be idempotent and must mark what it creates as owned by the attachment, so that {@link #delete},
 * {@link #check} and {@link #gc} find it even when every other record is lost. {@link #add} either
 * succeeds completely or leaves nothing behind.
 */
public interface HostSide {

    /** Creates the host port of an attachment. */
    HostPort add(Attachment attachment);

    /** Removes what {@link #add} created; succeeds when it is already gone. */
    void delete(Attachment attachment);

    /** Verifies the host port is there and as configured; fails with a CNI error naming what differs. */
    void check(Attachment attachment);

    /**
     * Removes every owned port of this network that is not one of the {@code valid} attachments; {@code sockets}
     * locates a socket by name in the network's shared directory, for a port that does not record its own.
     */
    void gc(Network network, Sockets sockets, Set<AttachmentId> valid);

    /** Whether the datapath can take new attachments now. */
    DatapathStatus status(Network network);

    /**
     * Makes sure the host port {@link #add} made for the attachment is there, after the switch lost it (it was
     * restarted): recreates what is missing as {@code add} made it, on {@code port}'s socket and, where the engine
     * can, under {@code port}'s name, and leaves what is there alone; true when it recreated anything. What another
     * attachment or the operator made is never touched: a socket or name now taken by another is a CNI error. Called
     * by the plugin's reconcile under its lock, only for attachments it made and has not removed. By default a
     * {@link #check}: a switch that keeps its ports across a restart (in a database) has nothing to recreate.
     *
     * @since SPI 1.1
     */
    default boolean restore(Attachment attachment, HostPort port) {
        check(attachment);
        return false;
    }

    /**
     * Which run of the switch serves this network's host ports now: a value that changes whenever the switch starts
     * anew and may have lost them (where the engine reads it cheaply, without changing anything); empty while it is
     * not running, or when the engine cannot tell. The plugin's daemon {@link #restore restores} the network's
     * attachments when it changes. By default empty: the daemon restores nothing on this engine's account.
     *
     * @since SPI 1.1
     */
    default Optional<String> instance(Network network) {
        return Optional.empty();
    }

    /**
     * The attachment's host port as the switch shows it now, its link and its counters ({@link PortState}), read
     * without changing anything; {@code port} is what {@link #add} answered. {@link PortState#ABSENT} when the switch
     * has no port of the attachment. Called by the plugin's metrics and node report, outside its lock and often:
     * one cheap read. By default empty: the engine cannot tell.
     *
     * @since SPI 2.1
     */
    default Optional<PortState> portState(Attachment attachment, HostPort port) {
        return Optional.empty();
    }

    /**
     * The names of this network's ports on the switch that carry the plugin's marks but belong to none of the
     * {@code recorded} attachments: what {@link #gc} with that valid list would remove, found the same way, read
     * without changing anything. The plugin's node report lists them as stray (on the switch, not in its journal).
     * Empty when there are none; by default {@link Optional#empty()}: the engine cannot tell.
     *
     * @since SPI 2.1
     */
    default Optional<List<String>> strayPorts(Network network, Set<AttachmentId> recorded) {
        return Optional.empty();
    }

    /**
     * How the container's end joins what {@link #add} made: its engine, interface type, vhost mode, memif role and
     * ring, bridge and options, which the plugin stores for the container with the socket's name and, where the
     * section does not say, {@code netType: interface} when IPAM gave addresses. By default as the original plugin
     * derived it: the {@code container} section where it names a setting, else the host's engine and interface
     * type with the vhost mode and the memif role turned around (the container's end connects where the switch's
     * listens, and the other way round) and the host's memif ring (queues, sizes, secret: one thing both ends
     * share); bridge and options come from the container section only, as the host's name the host's switch. An
     * engine whose container end is something else (always one mode, say) says so here.
     */
    default Side containerEnd(Network network) {
        Side host = network.host();
        Optional<Side> section = network.container();
        Side given = section.orElse(host);
        VhostMode mode = section.flatMap(s -> s.vhost().mode()).orElse(host.vhost().modeOrDefault().opposite());
        VhostConfig vhost = new VhostConfig(Optional.of(mode), given.vhost().group(), Optional.empty(),
                given.vhost().queues().or(() -> host.vhost().queues()));
        Optional<MemifRole> role = section.flatMap(s -> s.memif().role())
                .or(() -> host.memif().role().map(MemifRole::opposite))
                .or(() -> InterfaceType.MEMIF.equals(given.iftype()) ? Optional.of(MemifConfig.DEFAULT_ROLE.opposite())
                        : Optional.empty());
        MemifConfig shared = host.memif();
        MemifConfig own = given.memif();
        MemifConfig memif = new MemifConfig(role, own.mode(), Optional.empty(), own.queues().or(shared::queues),
                own.ringSize().or(shared::ringSize), own.bufferSize().or(shared::bufferSize),
                own.secret().or(shared::secret));
        return new Side(given.engine(), given.iftype(), section.flatMap(Side::netType), vhost, memif,
                section.map(Side::bridge).orElse(BridgeConfig.EMPTY), section.map(Side::options).orElse(Map.of()));
    }

    /**
     * Whether {@link #add} and {@link #delete} stay correct when several plugin processes (or the daemon's
     * requests) call them at once for different attachments, because the engine's own changes detect and retry
     * conflicting writers. The plugin then calls them without its lock; by default it holds the lock, so that
     * the switch takes one change at a time per data directory. GC always runs under the lock.
     */
    default boolean takesConcurrentChanges() {
        return false;
    }
}
