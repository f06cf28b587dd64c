package org.userspacecni.host;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.core.Json;
import org.userspacecni.core.SocketPlacement;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.core.cni.NetConfReader;
import org.userspacecni.core.cni.SpiTrees;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.PortName;
import org.userspacecni.spi.Sockets;

/**
 * The attachments this node's plugin has begun and not yet finished removing: one file each in
 * {@code <dataDir>/.attachments/}, named by the attachment's digest ({@link PortName#digest}, so that a
 * 255-character container id and a long network name still make a valid file name), holding network, container
 * id and interface name and, once ADD has written it, the attachment's device-info file with the identity
 * (device, inode and change time) it had when it was made, and, once ADD made it, the host end ({@link HostEnd}),
 * which DEL drops before it removes the port. ADD begins an attachment before its first change, and a second ADD of the same attachment finds
 * it there; DEL forgets it after its last change, so a GC finds whatever a crash in between left behind, even a
 * lease that only the IPAM plugin knows of. A file named {@code <network>:<containerId>:<ifName>} is an entry of
 * the earlier layout, read as such.
 */
final class AttachmentJournal {

    static final String DIRECTORY = ".attachments";

    /** One attachment as the journal knows it. */
    record Entry(String network, AttachmentId id, Optional<DeviceInfo.Written> deviceInfo, Optional<HostEnd> host) {

        Entry(String network, AttachmentId id, Optional<DeviceInfo.Written> deviceInfo) {
            this(network, id, deviceInfo, Optional.empty());
        }
    }

    /**
     * The host end ADD made and DEL has not begun to remove: the attachment as the engine was asked for it (its
     * configuration with the pod's socket directory, MAC and namespace), the port it answered with, the run of
     * the switch it was last made on ({@link org.userspacecni.spi.HostSide#instance}, if the engine tells), so that
     * reconcile can ask the engine to restore it after the switch lost it, and the daemon sees when it has to, the
     * pod the runtime named, which the metrics and the node report show, when ADD made it (none in an entry of an
     * earlier version), from which CHECK counts the link's grace period, and the last restore of it that failed.
     */
    record HostEnd(Attachment attachment, HostPort port, Optional<String> instance, Optional<Pod> pod,
            Optional<Instant> made, Optional<LastError> lastError) {

        HostEnd(Attachment attachment, HostPort port, Optional<String> instance) {
            this(attachment, port, instance, Optional.empty(), Optional.empty(), Optional.empty());
        }

        /** The same host end, made again on the switch's run {@code now}. */
        HostEnd on(Optional<String> now) {
            return new HostEnd(attachment, port, now, pod, made, lastError);
        }

        /** The same host end, with {@code error} its last. */
        HostEnd failed(LastError error) {
            return new HostEnd(attachment, port, instance, pod, made, Optional.of(error));
        }
    }

    /** The last time something the plugin did to a host end after ADD (a restore) failed, and why. */
    record LastError(Instant at, String message) {
    }

    /** A Kubernetes pod, as the runtime names it in {@code CNI_ARGS}. */
    record Pod(String namespace, String name) {
    }

    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_DIRECTORY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
    private static final FileAttribute<Set<PosixFilePermission>> PRIVATE_FILE =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    /** How often a record is tried while other attachments' forgets keep removing the emptied directory. */
    private static final int ATTEMPTS = 100;

    private final Path dir;

    AttachmentJournal(Path dataDir) {
        this.dir = dataDir.resolve(DIRECTORY);
    }

    /**
     * Records that {@code id} of {@code network} is being made; false, with nothing changed, if the journal
     * holds it already (an ADD that was not followed by a DEL).
     */
    boolean begin(String network, AttachmentId id) {
        if (find(network, id).isPresent()) {
            return false;
        }
        try {
            write(new Entry(network, id, Optional.empty()), Set.of(StandardOpenOption.CREATE_NEW));
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    /** Records the device-info file ADD wrote for the attachment, so that only that file is ever removed. */
    void deviceInfoWritten(String network, AttachmentId id, DeviceInfo.Written file) {
        Entry entry = find(network, id).orElse(new Entry(network, id, Optional.empty()));
        replace(new Entry(network, id, Optional.of(file), entry.host()), "the device-info file");
    }

    /**
     * Records the host end ADD made (or reconcile made again), which reconcile restores until {@link
     * #hostEndRemoving} drops it.
     */
    void hostEndMade(String network, AttachmentId id, HostEnd host) {
        Entry entry = find(network, id).orElse(new Entry(network, id, Optional.empty()));
        replace(new Entry(network, id, entry.deviceInfo(), Optional.of(host)), "the host end");
    }

    /** Notes the switch's run a host end was restored on, unless DEL dropped the host end meanwhile. */
    void hostEndRestored(String network, AttachmentId id, HostEnd host) {
        Optional<Entry> entry = find(network, id);
        if (entry.isPresent() && entry.get().host().isPresent()) {
            replace(new Entry(network, id, entry.get().deviceInfo(), Optional.of(host)), "the restored host end");
        }
    }

    /** Notes that restoring a host end failed, unless DEL dropped the host end meanwhile. */
    void hostEndFailed(String network, AttachmentId id, LastError error) {
        Optional<Entry> entry = find(network, id);
        if (entry.isPresent() && entry.get().host().isPresent()) {
            replace(new Entry(network, id, entry.get().deviceInfo(), entry.get().host().map(end -> end.failed(error))),
                    "the failure of the host end");
        }
    }

    /**
     * Drops the record of the host end before DEL (or an ADD's undo) removes it, so that reconcile never brings
     * back a port that is going; nothing to do if none is recorded. Where the record cannot be written (a store
     * with no room left), it stays and this returns false: DEL and an ADD's undo must still finish there, and
     * forget the attachment at their end; a port a reconcile might bring back in between carries its marks, and
     * GC removes it.
     */
    boolean hostEndRemoving(String network, AttachmentId id) {
        Optional<Entry> entry = find(network, id);
        if (entry.isPresent() && entry.get().host().isPresent()) {
            try {
                replace(new Entry(network, id, entry.get().deviceInfo(), Optional.empty()),
                        "the removal of the host end");
            } catch (CniException e) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code entry} over the attachment's entry at once: a reader sees the old one or the new one. */
    private void replace(Entry entry, String what) {
        Path temp = dir.resolve("." + fileName(entry.network(), entry.id()) + ".new");
        try {
            Files.deleteIfExists(temp);
            write(temp, entry, Set.of(StandardOpenOption.CREATE_NEW));
            Files.move(temp, dir.resolve(fileName(entry.network(), entry.id())), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(temp); // this call's own, left half-written by a full store
            } catch (IOException left) {
                e.addSuppressed(left);
            }
            throw new CniException(ErrorCode.IO_FAILURE, "cannot record " + what + " of " + entry.id() + " in " + dir,
                    e);
        }
    }

    /** The entry of {@code id} in {@code network}, if the journal holds one. */
    Optional<Entry> find(String network, AttachmentId id) {
        for (Path file : new Path[] {dir.resolve(fileName(network, id)), legacyFile(network, id)}) {
            if (file != null && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                return Optional.of(read(file));
            }
        }
        return Optional.empty();
    }

    /** Forgets {@code id}, and the directory once it is empty; nothing to do if it was never recorded. */
    void forget(String network, AttachmentId id) {
        for (Path file : new Path[] {dir.resolve(fileName(network, id)), legacyFile(network, id)}) {
            if (file == null || !Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
                continue; // nothing to remove, even where the data directory cannot be written
            }
            try {
                Files.delete(file);
                Files.delete(dir);
            } catch (DirectoryNotEmptyException | NoSuchFileException e) {
                // Other attachments are recorded, or another forget removed the directory first.
            } catch (IOException e) {
                throw new CniException(ErrorCode.IO_FAILURE, "cannot remove attachment " + id + " from " + dir, e);
            }
        }
    }

    /** The attachments of {@code network} recorded now. */
    Map<AttachmentId, Entry> of(String network) {
        Map<AttachmentId, Entry> recorded = new LinkedHashMap<>();
        all().stream().filter(entry -> entry.network().equals(network)).forEach(entry -> recorded.put(entry.id(), entry));
        return recorded;
    }

    /** Every attachment recorded now, of every network. */
    List<Entry> all() {
        List<Entry> recorded = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, file -> !file.getFileName().toString()
                .startsWith("."))) {
            for (Path file : files) {
                try {
                    recorded.add(read(file));
                } catch (CniException e) {
                    // An entry removed meanwhile, or one that is not ours to read: no attachment to go by.
                }
            }
        } catch (NoSuchFileException e) {
            // Nothing was ever recorded.
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot list the attachments in " + dir, e);
        }
        return recorded;
    }

    private void write(Entry entry, Set<? extends OpenOption> how) throws FileAlreadyExistsException {
        try {
            write(dir.resolve(fileName(entry.network(), entry.id())), entry, how);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot record attachment " + entry.id() + " in " + dir, e);
        }
    }

    private void write(Path file, Entry entry, Set<? extends OpenOption> how) throws IOException {
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("network", entry.network())
                .put("containerId", entry.id().containerId()).put("ifName", entry.id().ifName());
        entry.deviceInfo().ifPresent(info -> document.putObject("deviceInfo").put("path", info.path().toString())
                .put("fileKey", info.fileKey()));
        entry.host().ifPresent(host -> {
            ObjectNode end = document.putObject("host");
            end.set("netConf", SpiTrees.network(host.attachment().network()));
            end.put("mac", host.attachment().mac());
            host.attachment().netns().ifPresent(netns -> end.put("netns", netns));
            end.set("port", SpiTrees.hostPort(host.port()));
            host.instance().ifPresent(instance -> end.put("instance", instance));
            host.pod().ifPresent(pod -> end.putObject("pod").put("namespace", pod.namespace()).put("name", pod.name()));
            host.made().ifPresent(made -> end.put("made", made.toEpochMilli()));
            host.lastError().ifPresent(error -> end.putObject("lastError").put("at", error.at().toEpochMilli())
                    .put("message", error.message()));
        });
        byte[] content = Json.write(document);
        for (int attempt = 1; ; attempt++) {
            try {
                Files.createDirectories(dir.getParent(), PRIVATE_DIRECTORY);
                try {
                    Files.createDirectory(dir, PRIVATE_DIRECTORY);
                } catch (FileAlreadyExistsException e) {
                    // One look: a directory is fine, a link or a file is refused, and none (removed again since)
                    // is a NoSuchFileException for the retry.
                    if (!Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isDirectory()) {
                        throw new IOException(dir + " is not a directory");
                    }
                }
                Set<OpenOption> options = new HashSet<>(how);
                options.add(StandardOpenOption.WRITE);
                options.add(LinkOption.NOFOLLOW_LINKS);
                try (SeekableByteChannel created = Files.newByteChannel(file, options, PRIVATE_FILE)) {
                    created.write(ByteBuffer.wrap(content));
                }
                return;
            } catch (NoSuchFileException e) {
                // Another attachment's forget removed the emptied directory meanwhile: make it again.
                if (attempt == ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private Entry read(Path file) {
        String name = file.getFileName().toString();
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            byte[] content = in.readAllBytes();
            String[] legacy = name.split(":", 3);
            if (legacy.length == 3) {
                String deviceInfo = new String(content, StandardCharsets.UTF_8);
                return new Entry(legacy[0], new AttachmentId(legacy[1], legacy[2]), deviceInfo.isEmpty()
                        ? Optional.empty() : Optional.of(new DeviceInfo.Written(Path.of(deviceInfo), "")));
            }
            JsonNode document = Json.readTree(content);
            JsonNode info = document.path("deviceInfo");
            AttachmentId id = new AttachmentId(document.path("containerId").asText(), document.path("ifName").asText());
            return new Entry(document.path("network").asText(), id,
                    info.isObject() ? Optional.of(new DeviceInfo.Written(Path.of(info.path("path").asText()),
                            info.path("fileKey").asText())) : Optional.empty(),
                    hostEnd(id, document.path("host")));
        } catch (IOException | RuntimeException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "cannot read the journal entry " + file, e);
        }
    }

    /** The host end an entry records; none in an entry of an earlier version, or before ADD made it. */
    private static Optional<HostEnd> hostEnd(AttachmentId id, JsonNode end) throws IOException {
        if (!end.isObject()) {
            return Optional.empty();
        }
        NetConf conf = NetConfDecoder.netConf((ObjectNode) end.path("netConf"));
        Optional<String> netns = end.hasNonNull("netns") ? Optional.of(end.path("netns").asText()) : Optional.empty();
        Optional<String> instance = end.hasNonNull("instance") ? Optional.of(end.path("instance").asText())
                : Optional.empty();
        Optional<Pod> pod = end.path("pod").isObject() ? Optional.of(new Pod(end.path("pod").path("namespace").asText(),
                end.path("pod").path("name").asText())) : Optional.empty();
        Optional<Instant> made = end.path("made").canConvertToLong() ? Optional.of(Instant.ofEpochMilli(
                end.path("made").asLong())) : Optional.empty();
        JsonNode failed = end.path("lastError");
        Optional<LastError> lastError = failed.isObject() ? Optional.of(new LastError(Instant.ofEpochMilli(
                failed.path("at").asLong()), failed.path("message").asText())) : Optional.empty();
        HostPort port = NetConfReader.hostPort(end.path("port"));
        // The sockets are where ADD placed them: a pod's directory or its link, which only ADD could learn.
        Path socket = Path.of(port.socketPath());
        Sockets sockets = SocketPlacement.in(socket.isAbsolute() && socket.getParent() != null ? socket.getParent()
                : conf.sharedDirPath());
        return Optional.of(new HostEnd(new Attachment(id, netns, Network.of(conf), end.path("mac").asText(), sockets), port,
                instance, pod, made, lastError));
    }

    /** The name of the entry of {@code id} in {@code network}. */
    static String fileName(String network, AttachmentId id) {
        return PortName.digest(network, id);
    }

    /** The earlier layout's file, where its name was a valid one. */
    private Path legacyFile(String network, AttachmentId id) {
        String name = network + ":" + id.containerId() + ":" + id.ifName();
        if (name.getBytes(StandardCharsets.UTF_8).length > 255 || name.contains("/") || name.indexOf('\0') >= 0) {
            return null;
        }
        return dir.resolve(name);
    }
}
