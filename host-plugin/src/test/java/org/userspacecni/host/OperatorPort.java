package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A port the operator put on the plugin's bridge with ovs-vsctl, as a vhost-user client of a socket in the
 * shared directory that the operator's own application listens on: nothing of the plugin's, so nothing the
 * plugin may change or remove.
 */
final class OperatorPort {

    private final DpdkNode node;
    private final SwitchRows rows;
    private final org.userspacecni.testkit.Neighbour socket;

    private OperatorPort(DpdkNode node, SwitchRows rows, org.userspacecni.testkit.Neighbour socket) {
        this.node = node;
        this.rows = rows;
        this.socket = socket;
    }

    /** Adds port {@code name} to {@link DpdkNode#BRIDGE} (making the bridge if it is not there yet). */
    static OperatorPort add(DpdkNode node, String name) {
        Path socketPath = node.sharedDir().resolve(name);
        try {
            Files.createDirectories(node.sharedDir());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        org.userspacecni.testkit.Neighbour socket = node.closeAtEnd(org.userspacecni.testkit.Neighbour.listenAt(socketPath));
        SwitchRows before = SwitchRows.of(node.ovs);
        node.ovs.vsctl("--may-exist", "add-br", DpdkNode.BRIDGE, "--", "set", "Bridge", DpdkNode.BRIDGE,
                "datapath_type=netdev", "--", "add-port", DpdkNode.BRIDGE, name, "--", "set", "Interface", name,
                "type=dpdkvhostuserclient", "options:vhost-server-path=" + socketPath, "--", "set", "Port", name,
                "external_ids:owner=operator");
        SwitchRows made = SwitchRows.of(node.ovs).since(before).except(DpdkNode.BRIDGE);
        assertThat(made.ports()).hasSize(1);
        return new OperatorPort(node, made, socket);
    }

    void assertUnchanged() {
        assertThat(rows.in(SwitchRows.of(node.ovs))).as("the operator's port").isEqualTo(rows);
        socket.assertUnchanged();
    }
}
