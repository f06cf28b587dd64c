package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dagger.Lazy;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.Json;
import org.userspacecni.core.Providers;
import org.userspacecni.core.SocketPlacement;
import org.userspacecni.core.StateLock;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.core.cni.SpiTrees;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PodStoreProvider;
import org.userspacecni.spi.PortState;
import org.userspacecni.spi.Sockets;

/**
 * The CNI commands of the {@code userspace} plugin on a decoded request.
 *
 * <p>ADD allocates addresses through IPAM, asks the engine's backend for the host port, and stores the
 * container side's configuration, each step registering its undo once it has succeeded, so that a failure
 * anywhere undoes exactly what that ADD made; an ADD of an attachment that exists is refused and touches nothing.
 * DEL undoes all three, removing only what is provably the attachment's, and succeeds when they are already
 * gone, including after an ADD that failed on a configuration problem. CHECK and GC ask the same parts; STATUS the datapath and IPAM. Changes to
 * the switch happen under {@link StateLock} (unless the engine takes concurrent changes), and GC as a whole; the IPAM plugin, the store and the pod's
 * annotations keep their own consistency, so other containers' commands go on meanwhile.
 */
final class HostPlugin {

    private final BackendRegistry registry;
    private final BackendContext context;
    private final IpamDelegate ipam;
    private final FileConfigStore store;
    private final AttachmentJournal journal;
    private final StateLock lock;
    private final HoldPoints holds;
    private final Lazy<Providers<PodStoreProvider>> podStores;
    private final System.Logger log;

    @Inject
    HostPlugin(BackendRegistry registry, BackendContext context, IpamDelegate ipam, FileConfigStore store,
            AttachmentJournal journal, StateLock lock, HoldPoints holds, Lazy<Providers<PodStoreProvider>> podStores,
            System.Logger log) {
        this.registry = registry;
        this.podStores = podStores;
        this.context = context;
        this.ipam = ipam;
        this.store = store;
        this.journal = journal;
        this.lock = lock;
        this.holds = holds;
        this.log = log;
    }

    /** Runs the command; the result document for ADD, nothing for the others. */
    Optional<JsonNode> run(CniRequest request) {
        switch (request.environment().command()) {
            case ADD:
                return Optional.of(ResultCodec.render(add(request), request.version()));
            case DEL:
                del(request);
                return Optional.empty();
            case CHECK:
                check(request);
                return Optional.empty();
            case GC:
                gc(request);
                return Optional.empty();
            case STATUS:
                status(request);
                return Optional.empty();
            default:
                throw new IllegalArgumentException("not a configuration command: " + request.environment().command());
        }
    }

    private CniResult add(CniRequest request) {
        AttachmentId id = request.environment().attachmentId();
        String network = request.netConf().name();
        requireValid(request);
        if (!journal.begin(network, id)) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, "container " + id.containerId()
                    + " already has interface " + id.ifName() + " in network " + network
                    + " (an ADD that was not followed by a DEL): DEL it before adding it again; it is left as it is");
        }
        boolean undone = true;
        try (Pods pods = Pods.open(podStores.get(), request.netConf(), request.environment().args(), context)) {
            holds.reached(Step.JOURNALED);
            Rollback rollback = new Rollback(log);
            try {
                return add(request, pods, rollback);
            } catch (RuntimeException e) {
                undone = rollback.undo(e);
                throw e;
            }
        } catch (RuntimeException e) {
            if (undone) {
                journal.forget(network, id);
            }
            throw e;
        }
    }

    private void hostEndRemoving(String network, AttachmentId id) {
        if (!journal.hostEndRemoving(network, id)) {
            log.log(Level.WARNING, "{0}: the journal keeps its host port''s record (the data directory has no room"
                    + " left); the port goes all the same", id);
        }
    }

    /**
     * ADD step by step. Each step's undo is registered once the step has succeeded in this invocation, so a
     * failure undoes exactly what this ADD made: never a lease, port, document or file that was there before.
     * The attachment stays journaled unless every undo succeeded, so that whatever a crash or a failed undo
     * leaves, DEL or GC finds.
     */
    private CniResult add(CniRequest request, Pods pods, Rollback rollback) {
        Optional<CniResult> prevResult = request.prevResult();
        AttachmentId id = request.environment().attachmentId();
        requireNotInAnotherNetwork(id, request.netConf().name());
        NetConf conf = request.netConf();
        SocketPlacement sockets = pods.sockets(conf, id);
        // Registered first: the engine places its sockets while it adds, and a failed ADD removes what that made.
        rollback.done("the socket directory made for " + id, () -> {
            if (sockets.madeAnything()) {
                sockets.removeMade();
            }
        });
        Attachment attachment = attachment(request, conf, sockets);
        requireNetns(attachment);
        Optional<Path> deviceInfo = request.deviceInfoFile();
        try (DatapathBackend backend = open(conf)) {
            // The IPAM plugin leases while the switch makes the port: neither needs the other's outcome.
            Optional<Meanwhile<CniResult>> leasing = conf.ipam().map(section -> Meanwhile.start("ipam-add",
                    () -> ipam.add(section.type(), request.asSent(), request.version())));
            HostPort port;
            try {
                port = addHostPort(backend.host(), conf, attachment, request.environment().pod(), rollback);
            } catch (RuntimeException e) {
                leasing.ifPresent(lease -> {
                    try {
                        leased(lease, conf, request, rollback);
                    } catch (RuntimeException alsoFailed) {
                        e.addSuppressed(alsoFailed);
                    }
                });
                throw e;
            }
            CniResult addresses = CniResult.empty();
            if (leasing.isPresent()) {
                addresses = leased(leasing.get(), conf, request, rollback);
                holds.reached(Step.IPAM_LEASED);
            }
            log.log(Level.INFO, "ADD {0}: port {1}, socket {2}", id, port.name(), port.socketPath());
            holds.reached(Step.PORT_ADDED);
            ContainerConfig stored = ContainerConfigs.of(attachment, backend.host(), port, addresses,
                    request.version());
            store.put(stored);
            rollback.done("stored configuration of " + id, () -> store.delete(id));
            holds.reached(Step.STORED);
            pods.put(stored);
            rollback.done("the pod's configuration of " + id, () -> pods.delete(id));
            holds.reached(Step.POD_ANNOTATED);
            Optional<ObjectNode> document = DeviceInfo.of(stored, port.socketPath());
            if (deviceInfo.isPresent() && document.isPresent()) {
                DeviceInfo.Written written = DeviceInfo.write(deviceInfo.get(), document.get());
                rollback.done("device-info file of " + id, () -> DeviceInfo.delete(written, log));
                journal.deviceInfoWritten(conf.name(), id, written);
                holds.reached(Step.DEVICE_INFO_WRITTEN);
            }
            CniResult.NetInterface nic = new CniResult.NetInterface(id.ifName(), port.mac(), port.mtu(),
                    attachment.netns(), Optional.of(port.socketPath()).filter(path -> port.hasSocket()),
                    Optional.empty());
            CniResult result = prevResult.orElse(CniResult.empty()).withInterface(nic, addresses);
            holds.reached(Step.ADDED);
            return result;
        }
    }

    /** ADD's port on the host switch, journaled; its undo registered once it is made. */
    private HostPort addHostPort(HostSide host, NetConf conf, Attachment attachment,
            Optional<AttachmentJournal.Pod> pod, Rollback rollback) {
        AttachmentId id = attachment.id();
        // Read before the port is made: a switch that starts anew in between is then restored once too often.
        Optional<String> instance = host.instance(Network.of(conf));
        HostPort port = onTheSwitch(host, () -> host.add(attachment));
        rollback.done("host port of " + id, () -> onTheSwitch(host, () -> host.delete(attachment)));
        journal.hostEndMade(conf.name(), id, new AttachmentJournal.HostEnd(attachment, port, instance, pod,
                Optional.of(Instant.now()), Optional.empty()));
        // Undone first: reconcile must not bring back the port while the undo below removes it.
        rollback.done("the journal's record of the host port of " + id, () -> hostEndRemoving(conf.name(), id));
        return port;
    }

    /** ADD's addresses once the IPAM plugin has leased them; their release registered as an undo. */
    private CniResult leased(Meanwhile<CniResult> leasing, NetConf conf, CniRequest request, Rollback rollback) {
        AttachmentId id = request.environment().attachmentId();
        CniResult addresses;
        try {
            addresses = leasing.await();
        } catch (RuntimeException e) {
            rollback.mayRemain("whatever the IPAM plugin holds for " + id + " after its failed ADD");
            throw e;
        }
        String type = conf.ipam().orElseThrow().type();
        rollback.done("IPAM lease of " + id, () -> ipam.del(type, request.asSent(), request.version()));
        return addresses;
    }

    /** What ADD refuses before it changes anything, the journal included: a bad request leaves no trace. */
    private void requireValid(CniRequest request) {
        requireNetns(attachment(request, request.netConf(), sharedDir(request.netConf())));
        open(request.netConf()).close();
        request.netConf().ipam().ifPresent(section -> ipam.find(section.type()));
    }

    /**
     * The store keeps one document per container and interface name: one of another network is another
     * attachment's (one the runtime never deleted), and ADD leaves it alone rather than write over it.
     */
    private void requireNotInAnotherNetwork(AttachmentId id, String network) {
        Optional<ContainerConfig> stored;
        try {
            stored = store.get(id);
        } catch (CniException e) {
            return; // no attachment's document (a link, a corrupt file): the store replaces it, never writing through
        }
        if (stored.isPresent() && !stored.get().name().equals(network)) {
            throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, "container " + id.containerId()
                    + " already has interface " + id.ifName() + " in network " + stored.get().name()
                    + ": DEL it there before adding it to " + network + "; it is left as it is");
        }
    }

    private void del(CniRequest request) {
        AttachmentId id = request.environment().attachmentId();
        String network = request.netConf().name();
        Failures failures = new Failures();
        Optional<AttachmentJournal.Entry> journaled = failures.attemptToGet(() -> journal.find(network, id))
                .flatMap(entry -> entry);
        try (Pods pods = podsForDel(request)) {
            NetConf attached = request.netConf();
            SocketPlacement sockets;
            try {
                sockets = pods.sockets(attached, id);
            } catch (CniException e) {
                log.log(Level.WARNING, "DEL {0}: the pod''s socket directory is unknown ({1}); going on with {2}", id,
                        e.getMessage(), attached.sharedDirPath());
                sockets = sharedDir(attached);
            }
            Attachment attachment = attachment(request, attached, sockets);
            failures.attempt(() -> deleteStored(id, network));
            failures.attempt(() -> pods.delete(id));
            // Dropped before the port goes, so that reconcile never brings it back.
            hostEndRemoving(network, id);
            // The IPAM plugin releases while the switch removes the port.
            Optional<Meanwhile<Void>> releasing = attached.ipam().map(section -> Meanwhile.start("ipam-del", () -> {
                if (ipamInstalled(section.type())) {
                    ipam.del(section.type(), request.asSent(), request.version());
                }
            }));
            failures.attempt(() -> deleteHostPort(attachment));
            releasing.ifPresent(release -> failures.attempt(release::await));
            journaled.flatMap(AttachmentJournal.Entry::deviceInfo)
                    .ifPresent(file -> failures.attempt(() -> DeviceInfo.delete(file, log)));
            boolean shared = failures.attemptToGet(() -> sharesItsPodDirectory(id)).orElse(true);
            failures.attempt(() -> pods.release(request.netConf(), id, shared));
        }
        if (failures.none()) {
            journal.forget(network, id);
        }
        failures.rethrow();
        log.log(Level.INFO, "DEL {0}: done", id);
    }

    /**
     * DEL's change to the switch. A configuration the engine refuses (2 or 7: a setting out of range, an
     * interface type it does not take) is one that ADD refused too, so it made nothing there to remove.
     */
    private void deleteHostPort(Attachment attachment) {
        withBackendIfInstalled(attachment.network(), backend -> {
            try {
                onTheSwitch(backend.host(), () -> backend.host().delete(attachment));
            } catch (CniException e) {
                if (e.code() != ErrorCode.INVALID_NETWORK_CONFIG.code()
                        && e.code() != ErrorCode.UNSUPPORTED_FIELD.code()) {
                    throw e;
                }
                log.log(Level.WARNING, "DEL {0}: nothing to remove on the host switch with a configuration the"
                        + " engine refuses: {1}", attachment.id(), e.getMessage());
            }
        });
    }

    /**
     * Whether another attachment the journal holds, of any network, has a container id that starts as this one's:
     * a pod socket directory named after the first 12 characters is then its too, even while it is still empty.
     */
    private boolean sharesItsPodDirectory(AttachmentId id) {
        return journal.all().stream().map(AttachmentJournal.Entry::id).anyMatch(other -> !other.containerId()
                .equals(id.containerId()) && other.shortContainerId().equals(id.shortContainerId()));
    }

    /**
     * Removes the stored document of {@code id} if it is this network's: its file is named by container and
     * interface name, so one that cannot be read is this attachment's too, and goes.
     */
    private void deleteStored(AttachmentId id, String network) {
        Optional<ContainerConfig> stored;
        try {
            stored = store.get(id);
        } catch (CniException e) {
            log.log(Level.WARNING, "DEL {0}: removing its stored configuration, which cannot be read: {1}", id,
                    e.getMessage());
            store.delete(id);
            return;
        }
        if (stored.isPresent() && !stored.get().name().equals(network)) {
            log.log(Level.WARNING, "DEL {0}: the stored configuration is network {1}''s, not {2}''s; left alone", id,
                    stored.get().name(), network);
            return;
        }
        store.delete(id);
    }

    /** The pod's platform for DEL; one that cannot be reached must not keep DEL from removing the rest. */
    private Pods podsForDel(CniRequest request) {
        try {
            return Pods.open(podStores.get(), request.netConf(), request.environment().args(), context);
        } catch (CniException e) {
            log.log(Level.WARNING, "DEL: the pod''s platform cannot be asked: " + e.getMessage());
            return Pods.none(context);
        }
    }

    private void check(CniRequest request) {
        requireVersion(request, CniVersion.V0_4_0, "CHECK");
        Optional<Duration> grace = LinkGrace.of(request.environment());
        NetConf conf = request.netConf();
        SocketPlacement sockets;
        try (Pods pods = Pods.open(podStores.get(), conf, request.environment().args(), context)) {
            sockets = pods.sockets(conf, request.environment().attachmentId());
        }
        Attachment attachment = attachment(request, conf, sockets);
        CniResult prev = request.prevResult().orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "CHECK needs a prevResult"));
        String ifName = attachment.id().ifName();
        CniResult.NetInterface nic = prev.interfaces().stream().filter(i -> i.name().equals(ifName)).findFirst()
                .orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "prevResult has no interface '" + ifName + "'"));
        if (!nic.sandbox().equals(attachment.netns())) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "interface '" + ifName + "' of prevResult is in "
                    + nic.sandbox().orElse("no sandbox") + ", not in " + attachment.netns().orElse(""));
        }
        requireNetns(attachment);
        try (DatapathBackend backend = open(conf)) {
            backend.host().check(attachment);
        }
        ContainerConfig stored = store.get(attachment.id()).orElseThrow(() -> new CniException(
                ErrorCode.ATTACHMENT_DIFFERS, "no stored container configuration for " + attachment.id()));
        if (!stored.name().equals(conf.name())) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "the stored container configuration of "
                    + attachment.id() + " is network " + stored.name() + "'s, not " + conf.name() + "'s");
        }
        if (nic.socketPath().isPresent()
                && !sockets.locate(stored.socket()).toString().equals(nic.socketPath().get())) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "the stored container configuration of "
                    + attachment.id() + " names socket " + stored.socket() + ", not " + nic.socketPath().get());
        }
        int index = prev.interfaces().indexOf(nic);
        Set<String> claimed = prev.ips().stream()
                .filter(ip -> ip.interfaceIndex().map(i -> i == index).orElse(true))
                .map(CniResult.IpConfig::address).collect(Collectors.toCollection(TreeSet::new));
        Set<String> held = heldAddresses(stored);
        if (!claimed.equals(held)) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "prevResult gives " + ifName + " the addresses "
                    + claimed + ", but attachment " + attachment.id() + " holds " + held);
        }
        conf.ipam().ifPresent(section -> ipam.check(section.type(), request.asSent(), request.version()));
        requireLinkUp(conf, attachment, grace);
    }

    /**
     * Fails with 101 when the attachment's port is there but its link is down (the container's end is not
     * connected), and ADD made it more than {@code grace} ago; an engine that cannot tell, or a grace of 0, passes.
     */
    private void requireLinkUp(NetConf conf, Attachment attachment, Optional<Duration> grace) {
        Optional<AttachmentJournal.HostEnd> end = journal.find(conf.name(), attachment.id())
                .flatMap(AttachmentJournal.Entry::host);
        if (grace.isEmpty() || end.isEmpty()) {
            return;
        }
        Instant due = end.get().made().map(made -> made.plus(grace.get())).orElse(Instant.MIN);
        if (Instant.now().isBefore(due)) {
            return;
        }
        Optional<PortState> state;
        try (DatapathBackend backend = open(conf)) {
            state = backend.host().portState(attachment, end.get().port());
        }
        if (state.filter(known -> known.link() == PortState.Link.DOWN).isPresent()) {
            throw new CniException(ErrorCode.LINK_DOWN, "the link of " + attachment.id() + " (port "
                    + end.get().port().name() + ") is down more than " + grace.get().toSeconds() + " s after ADD ("
                    + LinkGrace.VARIABLE + "): nothing in the container has connected to "
                    + end.get().port().socketPath());
        }
    }

    /** The addresses of the IPAM result the attachment stored at ADD. */
    private static Set<String> heldAddresses(ContainerConfig stored) {
        JsonNode ips = SpiTrees.value(stored.ipResult()).path("ips");
        Set<String> held = new TreeSet<>();
        ips.forEach(ip -> held.add(ip.path("address").asText()));
        return held;
    }

    /**
     * Removes everything of this network that is not in the valid list: owned ports (and their sockets), stored
     * configurations, journaled device-info files, and leases, the last through the IPAM plugin's GC or, for
     * one that predates GC, its DEL for each stale attachment the journal or the store knows of.
     */
    private void gc(CniRequest request) {
        requireVersion(request, CniVersion.V1_1_0, "GC");
        NetConf conf = request.netConf();
        Set<AttachmentId> valid = request.validAttachments();
        Network network = Network.of(conf);
        Failures failures = new Failures();
        try (StateLock.Held held = lock.acquire()) {
            Map<AttachmentId, AttachmentJournal.Entry> journaled = journal.of(conf.name());
            Set<AttachmentId> stale = new LinkedHashSet<>(journaled.keySet());
            failures.attempt(() -> withBackendIfInstalled(network, backend -> backend.host().gc(network, sharedDir(conf),
                    valid)));
            failures.attempt(() -> store.list().stream()
                    .filter(stored -> stored.name().equals(conf.name()) && !valid.contains(stored.id()))
                    .forEach(stored -> {
                        stale.add(stored.id());
                        store.delete(stored.id());
                    }));
            stale.removeAll(valid);
            stale.forEach(id -> Optional.ofNullable(journaled.get(id)).flatMap(AttachmentJournal.Entry::deviceInfo)
                    .ifPresent(file -> failures.attempt(() -> DeviceInfo.delete(file, log))));
            conf.ipam().ifPresent(section -> failures.attempt(
                    () -> ipam.gc(section.type(), request.asSent(), request.version(), stale)));
            if (failures.none()) {
                stale.forEach(id -> journal.forget(conf.name(), id));
            }
        }
        failures.rethrow();
    }

    private void status(CniRequest request) {
        requireVersion(request, CniVersion.V1_1_0, "STATUS");
        NetConf conf = request.netConf();
        DatapathStatus status;
        try (DatapathBackend backend = open(conf)) {
            status = backend.host().status(Network.of(conf));
        } catch (CniException e) {
            throw new CniException(ErrorCode.PLUGIN_NOT_AVAILABLE, e.getMessage(), e.details());
        }
        if (!status.available()) {
            throw new CniException(status.code(), status.message());
        }
        conf.ipam().ifPresent(section -> ipam.status(section.type(), request.asSent()));
    }

    /**
     * A change to the switch, made while no other command of this node changes it, unless the engine takes
     * concurrent changes itself.
     */
    private <T> T onTheSwitch(HostSide host, Supplier<T> change) {
        if (host.takesConcurrentChanges()) {
            return change.get();
        }
        try (StateLock.Held held = lock.acquire()) {
            return change.get();
        }
    }

    private void onTheSwitch(HostSide host, Runnable change) {
        onTheSwitch(host, () -> {
            change.run();
            return null;
        });
    }

    /** The backend of the host engine, checked to support the host interface type. */
    private DatapathBackend open(NetConf conf) {
        DatapathBackend backend = registry.provider(conf.host().engine()).create(context);
        try {
            backend.requireInterfaceType("host", conf.host());
        } catch (CniException e) {
            backend.close();
            throw e;
        }
        return backend;
    }

    /**
     * Runs {@code action} with the host engine's backend. An engine that is not installed, or does not take
     * this interface type, cannot have made anything for this plugin to remove, so DEL and GC go on without
     * it; any other failure of the backend is reported, and so is an installed engine this program refuses for
     * its SPI version: an earlier build of it may have made ports that are still there.
     */
    private void withBackendIfInstalled(Network network, Consumer<DatapathBackend> action) {
        DatapathBackendProvider provider;
        try {
            provider = registry.provider(network.host().engine());
        } catch (CniException e) {
            if (registry.installed(network.host().engine())) {
                throw e;
            }
            log.log(Level.WARNING, "nothing to remove on the host switch: " + e.getMessage());
            return;
        }
        try (DatapathBackend backend = provider.create(context)) {
            try {
                backend.requireInterfaceType("host", network.host());
            } catch (CniException e) {
                log.log(Level.WARNING, "nothing to remove on the host switch: " + e.getMessage());
                return;
            }
            action.accept(backend);
        }
    }

    private boolean ipamInstalled(String type) {
        try {
            ipam.find(type);
            return true;
        } catch (CniException e) {
            log.log(Level.WARNING, "no IPAM lease to release: " + e.getMessage());
            return false;
        }
    }

    private static Attachment attachment(CniRequest request, NetConf conf, Sockets sockets) {
        CniEnvironment env = request.environment();
        return new Attachment(env.attachmentId(), env.netns(), Network.of(conf), request.mac().orElseThrow(), sockets);
    }

    /** Sockets in the network's shared directory: for GC, and for a pod whose directory cannot be learnt. */
    private static SocketPlacement sharedDir(NetConf conf) {
        return SocketPlacement.in(conf.sharedDirPath());
    }

    private static void requireNetns(Attachment attachment) {
        String netns = attachment.netns().orElseThrow();
        if (!Files.exists(Path.of(netns))) {
            throw new CniException(ErrorCode.INVALID_NETNS, "network namespace " + netns + " does not exist");
        }
    }

    private static void requireVersion(CniRequest request, CniVersion oldest, String command) {
        if (!request.version().atLeast(oldest)) {
            throw new CniException(ErrorCode.INCOMPATIBLE_CNI_VERSION, "config version does not allow " + command,
                    "config is \"" + request.version() + "\", " + command + " needs " + oldest + " or later");
        }
    }

    /** The failures of a best-effort command: every step runs, the first failure is reported. */
    private static final class Failures {
        private CniException first;

        void attempt(Runnable step) {
            attemptToGet(() -> {
                step.run();
                return null;
            });
        }

        /** What the step returned, none if it failed. */
        <T> Optional<T> attemptToGet(Supplier<T> step) {
            try {
                return Optional.ofNullable(step.get());
            } catch (CniException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
                return Optional.empty();
            }
        }

        boolean none() {
            return first == null;
        }

        void rethrow() {
            if (first != null) {
                throw first;
            }
        }
    }
}
