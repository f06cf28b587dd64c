package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import javax.inject.Inject;
import org.userspacecni.core.BackendRegistry;
import org.userspacecni.core.StateLock;
import org.userspacecni.core.cni.CniResult;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.core.cni.ResultCodec;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ConfigStore;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.NetConf;

/**
 * The CNI commands of the {@code userspace} plugin on a decoded request.
 *
 * <p>ADD allocates addresses through IPAM, asks the engine's backend for the host port, and stores the
 * container side's configuration, each step registering its undo first, so that a failure anywhere leaves
 * nothing behind. DEL undoes all three and succeeds when they are already gone, including after an ADD that
 * failed on a configuration problem. CHECK and GC ask the same parts; STATUS the datapath and IPAM. Changes to
 * the switch happen under {@link StateLock} (unless the engine takes concurrent changes), and GC as a whole; the IPAM plugin, the store and the pod's
 * annotations keep their own consistency, so other containers' commands go on meanwhile.
 */
final class HostPlugin {

    private final BackendRegistry registry;
    private final BackendContext context;
    private final IpamDelegate ipam;
    private final ConfigStore store;
    private final AttachmentJournal journal;
    private final HoldPoints holds;
    private final System.Logger log;

    @Inject
    HostPlugin(BackendRegistry registry, BackendContext context, IpamDelegate ipam, ConfigStore store,
            AttachmentJournal journal, HoldPoints holds, System.Logger log) {
        this.registry = registry;
        this.context = context;
        this.ipam = ipam;
        this.store = store;
        this.journal = journal;
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
        Optional<CniResult> prevResult = NetConfDecoder.prevResult(request.config(), request.version());
        AttachmentId id = request.environment().attachmentId();
        try (Pods pods = Pods.open(request.netConf(), request.environment().args(), context)) {
            try {
                NetConf conf = pods.attachmentConf(request.netConf(), id, true);
                Attachment attachment = attachment(request, conf);
                requireNetns(attachment);
                try (DatapathBackend backend = open(conf)) {
                    return add(request, attachment, backend, pods, prevResult);
                }
            } catch (RuntimeException e) {
                pods.release(request.netConf(), id);
                throw e;
            }
        }
    }

    /**
     * ADD step by step, every step undone if a later one fails. The attachment is journaled first and
     * forgotten only when every undo succeeded, so that whatever a crash or a failed undo leaves, DEL or GC
     * finds.
     */
    private CniResult add(CniRequest request, Attachment attachment, DatapathBackend backend, Pods pods,
            Optional<CniResult> prevResult) {
        NetConf conf = attachment.netConf();
        AttachmentId id = attachment.id();
        Optional<Path> deviceInfo = DeviceInfo.file(request);
        journal.record(conf.name(), id, deviceInfo);
        holds.reached(Step.JOURNALED);
        Rollback rollback = new Rollback(log);
        try {
            CniResult addresses = CniResult.empty();
            if (conf.ipam().isPresent()) {
                String type = conf.ipam().get().type();
                rollback.push("IPAM lease of " + id, () -> ipam.del(type, request.config(), request.version()));
                addresses = ipam.add(type, request.config(), request.version());
                holds.reached(Step.IPAM_LEASED);
            }
            rollback.push("host port of " + id,
                    () -> onTheSwitch(conf, backend.host(), () -> backend.host().delete(attachment)));
            HostPort port = onTheSwitch(conf, backend.host(), () -> backend.host().add(attachment));
            log.log(Level.INFO, "ADD {0}: port {1}, socket {2}", id, port.name(), port.socketPath());
            holds.reached(Step.PORT_ADDED);
            ContainerConfig stored = ContainerConfigs.of(attachment, port, addresses, request.version());
            rollback.push("stored configuration of " + id, () -> store.delete(id));
            store.put(stored);
            holds.reached(Step.STORED);
            rollback.push("the pod's configuration of " + id, () -> pods.delete(id));
            pods.put(stored);
            holds.reached(Step.POD_ANNOTATED);
            if (deviceInfo.isPresent()) {
                rollback.push("device-info file of " + id, () -> DeviceInfo.delete(deviceInfo.get()));
                DeviceInfo.write(deviceInfo.get(), DeviceInfo.of(stored, port.socketPath()));
                holds.reached(Step.DEVICE_INFO_WRITTEN);
            }
            CniResult.NetInterface nic = new CniResult.NetInterface(id.ifName(), port.mac(), port.mtu(),
                    attachment.netns(), Optional.of(port.socketPath()), Optional.empty());
            CniResult result = prevResult.orElse(CniResult.empty()).withInterface(nic, addresses);
            holds.reached(Step.ADDED);
            return result;
        } catch (RuntimeException e) {
            if (rollback.undo(e)) {
                journal.forget(conf.name(), id);
            }
            throw e;
        }
    }

    private void del(CniRequest request) {
        AttachmentId id = request.environment().attachmentId();
        Failures failures = new Failures();
        try (Pods pods = podsForDel(request)) {
            NetConf conf = request.netConf();
            try {
                conf = pods.attachmentConf(request.netConf(), id, false);
            } catch (CniException e) {
                log.log(Level.WARNING, "DEL {0}: the pod''s socket directory is unknown ({1}); going on with {2}", id,
                        e.getMessage(), conf.sharedDirPath());
            }
            Attachment attachment = attachment(request, conf);
            NetConf attached = conf;
            failures.attempt(() -> store.delete(id));
            failures.attempt(() -> pods.delete(id));
            failures.attempt(() -> withBackendIfInstalled(attached,
                    backend -> onTheSwitch(attached, backend.host(), () -> backend.host().delete(attachment))));
            attached.ipam().ifPresent(section -> failures.attempt(() -> {
                if (ipamInstalled(section.type())) {
                    ipam.del(section.type(), request.config(), request.version());
                }
            }));
            deviceInfoToRemove(request).ifPresent(file -> failures.attempt(() -> DeviceInfo.delete(file)));
            failures.attempt(() -> pods.release(request.netConf(), id));
        }
        if (failures.none()) {
            journal.forget(request.netConf().name(), id);
        }
        failures.rethrow();
        log.log(Level.INFO, "DEL {0}: done", id);
    }

    /** The pod's platform for DEL; one that cannot be reached must not keep DEL from removing the rest. */
    private Pods podsForDel(CniRequest request) {
        try {
            return Pods.open(request.netConf(), request.environment().args(), context);
        } catch (CniException e) {
            log.log(Level.WARNING, "DEL: the pod''s platform cannot be asked: " + e.getMessage());
            return Pods.none(context);
        }
    }

    /** The device-info file DEL removes: one that ADD would have refused cannot have been written. */
    private Optional<Path> deviceInfoToRemove(CniRequest request) {
        try {
            return DeviceInfo.file(request);
        } catch (CniException e) {
            log.log(Level.WARNING, "DEL: no device-info file to remove: " + e.getMessage());
            return Optional.empty();
        }
    }

    private void check(CniRequest request) {
        requireVersion(request, CniVersion.V0_4_0, "CHECK");
        NetConf conf;
        try (Pods pods = Pods.open(request.netConf(), request.environment().args(), context)) {
            conf = pods.attachmentConf(request.netConf(), request.environment().attachmentId(), false);
        }
        Attachment attachment = attachment(request, conf);
        CniResult prev = NetConfDecoder.prevResult(request.config(), request.version())
                .orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "CHECK needs a prevResult"));
        String ifName = attachment.id().ifName();
        CniResult.NetInterface nic = prev.interfaces().stream().filter(i -> i.name().equals(ifName)).findFirst()
                .orElseThrow(() -> new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "prevResult has no interface '" + ifName + "'"));
        if (!nic.sandbox().equals(attachment.netns())) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "interface '" + ifName + "' of prevResult is in "
                    + nic.sandbox().orElse("no sandbox") + ", not in " + attachment.netns().orElse(""));
        }
        requireNetns(attachment);
        conf.ipam().ifPresent(section -> ipam.check(section.type(), request.config(), request.version()));
        try (DatapathBackend backend = open(conf)) {
            backend.host().check(attachment);
        }
        ContainerConfig stored = store.get(attachment.id()).orElseThrow(() -> new CniException(
                ErrorCode.ATTACHMENT_DIFFERS, "no stored container configuration for " + attachment.id()));
        if (nic.socketPath().isPresent()
                && !conf.sharedDirPath().resolve(stored.socket()).toString().equals(nic.socketPath().get())) {
            throw new CniException(ErrorCode.ATTACHMENT_DIFFERS, "the stored container configuration of "
                    + attachment.id() + " names socket " + stored.socket() + ", not " + nic.socketPath().get());
        }
    }

    /**
     * Removes everything of this network that is not in the valid list: owned ports (and their sockets), stored
     * configurations, journaled device-info files, and leases, the last through the IPAM plugin's GC or, for
     * one that predates GC, its DEL for each stale attachment the journal or the store knows of.
     */
    private void gc(CniRequest request) {
        requireVersion(request, CniVersion.V1_1_0, "GC");
        NetConf conf = request.netConf();
        Set<AttachmentId> valid = NetConfDecoder.validAttachments(request.config());
        Failures failures = new Failures();
        try (StateLock lock = StateLock.acquire(conf.dataDirPath())) {
            Map<AttachmentId, Optional<Path>> journaled = journal.of(conf.name());
            Set<AttachmentId> stale = new LinkedHashSet<>(journaled.keySet());
            failures.attempt(() -> withBackendIfInstalled(conf, backend -> backend.host().gc(conf, valid)));
            failures.attempt(() -> store.list().stream()
                    .filter(stored -> stored.name().equals(conf.name()) && !valid.contains(stored.id()))
                    .forEach(stored -> {
                        stale.add(stored.id());
                        store.delete(stored.id());
                    }));
            stale.removeAll(valid);
            stale.forEach(id -> journaled.getOrDefault(id, Optional.empty())
                    .ifPresent(file -> failures.attempt(() -> DeviceInfo.delete(file))));
            conf.ipam().ifPresent(section -> failures.attempt(
                    () -> ipam.gc(section.type(), request.config(), request.version(), stale)));
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
            status = backend.host().status(conf);
        } catch (CniException e) {
            throw new CniException(ErrorCode.PLUGIN_NOT_AVAILABLE, e.getMessage(), e.details());
        }
        if (!status.available()) {
            throw new CniException(status.code(), status.message());
        }
        conf.ipam().ifPresent(section -> ipam.status(section.type(), request.config()));
    }

    /**
     * A change to the switch, made while no other command of this node changes it, unless the engine takes
     * concurrent changes itself.
     */
    private static <T> T onTheSwitch(NetConf conf, HostSide host, Supplier<T> change) {
        if (host.takesConcurrentChanges()) {
            return change.get();
        }
        try (StateLock lock = StateLock.acquire(conf.dataDirPath())) {
            return change.get();
        }
    }

    private static void onTheSwitch(NetConf conf, HostSide host, Runnable change) {
        onTheSwitch(conf, host, () -> {
            change.run();
            return null;
        });
    }

    /** The backend of the host engine, checked to support the host interface type. */
    private DatapathBackend open(NetConf conf) {
        DatapathBackend backend = registry.provider(conf.host().engine()).create(context);
        if (!backend.interfaceTypes().contains(conf.host().iftype())) {
            backend.close();
            throw unsupportedInterfaceType(conf, backend);
        }
        return backend;
    }

    /**
     * Runs {@code action} with the host engine's backend. An engine that is not installed, or does not take
     * this interface type, cannot have made anything for this plugin to remove, so DEL and GC go on without
     * it; any other failure of the backend is reported, and so is an installed engine this program refuses for
     * its SPI version: an earlier build of it may have made ports that are still there.
     */
    private void withBackendIfInstalled(NetConf conf, Consumer<DatapathBackend> action) {
        DatapathBackendProvider provider;
        try {
            provider = registry.provider(conf.host().engine());
        } catch (CniException e) {
            if (registry.installed(conf.host().engine())) {
                throw e;
            }
            log.log(Level.WARNING, "nothing to remove on the host switch: " + e.getMessage());
            return;
        }
        try (DatapathBackend backend = provider.create(context)) {
            if (backend.interfaceTypes().contains(conf.host().iftype())) {
                action.accept(backend);
            } else {
                log.log(Level.WARNING, "nothing to remove on the host switch: "
                        + unsupportedInterfaceType(conf, backend).getMessage());
            }
        }
    }

    private static CniException unsupportedInterfaceType(NetConf conf, DatapathBackend backend) {
        String supported = backend.interfaceTypes().stream().map(InterfaceType::wireName).sorted()
                .collect(Collectors.joining(", "));
        return new CniException(ErrorCode.UNSUPPORTED_FIELD, "host.iftype: '" + conf.host().iftype().wireName()
                + "' is not supported by engine '" + conf.host().engine() + "' (supported: " + supported + ")");
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

    private static Attachment attachment(CniRequest request, NetConf conf) {
        CniEnvironment env = request.environment();
        return new Attachment(env.attachmentId(), env.netns(), conf, MacAddresses.of(request));
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
            try {
                step.run();
            } catch (CniException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
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
