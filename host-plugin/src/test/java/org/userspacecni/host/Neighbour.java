package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.userspacecni.core.StateLock;
import org.userspacecni.testkit.CniInvocation;

/**
 * A live attachment next to the one under test: made by ADD through the plugin, with its socket bound and
 * accepting at the result's socketPath as the container's application binds it in vhost-user client mode.
 * It remembers what its ADD made, read from the node itself: the switch's Port and Interface rows (uuid, name,
 * external_ids; not the bridge's own, which the first ADD makes with the bridge), and the bytes of every file it added (its lease, its stored configuration, its journal entry,
 * its device-info file). {@link #assertUnchanged} says that all of it is still exactly so and the socket is the
 * same file, still accepting.
 */
final class Neighbour {

    /** What an attachment made, as the node holds it. */
    record Footprint(SwitchRows rows, Map<Path, String> files) {
    }

    final String network;
    final String containerId;
    final ObjectNode config;
    final CniInvocation.Outcome added;
    final org.userspacecni.testkit.Neighbour socket;
    private final DpdkNode node;
    private final Footprint footprint;

    private Neighbour(DpdkNode node, String network, String containerId, ObjectNode config,
            CniInvocation.Outcome added, org.userspacecni.testkit.Neighbour socket, Footprint footprint) {
        this.node = node;
        this.network = network;
        this.containerId = containerId;
        this.config = config;
        this.added = added;
        this.socket = socket;
        this.footprint = footprint;
    }

    /** ADDs {@code containerId}/net1 with {@code config} on {@code node}, then binds its socket. */
    static Neighbour add(DpdkNode node, String containerId, ObjectNode config) {
        SwitchRows rowsBefore = SwitchRows.of(node.ovs);
        Map<Path, String> filesBefore = files(node);
        CniInvocation.Outcome added = node.add(containerId, config);
        Path socketPath = Path.of(added.json().at("/interfaces/0/socketPath").asText());
        org.userspacecni.testkit.Neighbour socket = node.closeAtEnd(org.userspacecni.testkit.Neighbour.listenAt(socketPath));
        Map<Path, String> made = new TreeMap<>(files(node));
        made.keySet().removeAll(filesBefore.keySet());
        Footprint footprint = new Footprint(SwitchRows.of(node.ovs).since(rowsBefore).except(DpdkNode.BRIDGE), made);
        assertThat(footprint.rows().ports()).as("the port ADD made for " + containerId).hasSize(1);
        assertThat(footprint.files()).as("the files ADD made for " + containerId).isNotEmpty();
        return new Neighbour(node, config.path("name").asText(), containerId, config, added, socket, footprint);
    }

    static Neighbour add(DpdkNode node, String containerId) {
        return add(node, containerId, node.config(containerId));
    }

    /** The address host-local gave it. */
    String address() {
        return added.json().at("/ips/0/address").asText();
    }

    Path socketPath() {
        return socket.socket();
    }

    /** Its port, interface, files and lease are exactly as its ADD left them, and its socket accepts. */
    void assertUnchanged() {
        Map<Path, String> filesNow = new TreeMap<>(files(node));
        filesNow.keySet().retainAll(footprint.files().keySet());
        Footprint now = new Footprint(footprint.rows().in(SwitchRows.of(node.ovs)), filesNow);
        assertThat(now).as("what the ADD of neighbour " + containerId + " (" + network + ") made").isEqualTo(footprint);
        socket.assertUnchanged();
    }

    /** Nothing of what its ADD made is left: no row, no file, no socket file. */
    void assertGone() {
        SwitchRows rows = footprint.rows().in(SwitchRows.of(node.ovs));
        assertThat(rows.ports()).as("ports of " + containerId).isEmpty();
        assertThat(rows.interfaces()).as("interfaces of " + containerId).isEmpty();
        assertThat(footprint.files().keySet()).as("files of " + containerId)
                .noneMatch(file -> Files.exists(file, LinkOption.NOFOLLOW_LINKS));
        assertThat(Files.exists(socketPath(), LinkOption.NOFOLLOW_LINKS)).as("socket of " + containerId).isFalse();
    }

    /**
     * Every regular file an attachment can have on the node, with its bytes: under the shared, data and
     * device-info directories and the leases. The node's lock files and host-local's last reserved address,
     * which change with every attachment, are no attachment's.
     */
    private static Map<Path, String> files(DpdkNode node) {
        Map<Path, String> files = new TreeMap<>();
        for (Path dir : new Path[] {node.sharedDir(), node.dataDir(), node.deviceInfoDir(), node.ipam().dataDir()}) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> all = Files.walk(dir)) {
                for (Path file : all.filter(Files::isRegularFile).toList()) {
                    String name = file.getFileName().toString();
                    if (name.equals(StateLock.FILE_NAME) || name.equals("lock") || name.startsWith("last_reserved_ip")) {
                        continue;
                    }
                    files.put(file, new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1));
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return files;
    }
}
