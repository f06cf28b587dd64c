package org.userspacecni.backend.ovs;

import java.util.ArrayList;
import java.util.List;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.OvsSandbox;

/** What the engine's marks in OVSDB say, read with ovs-vsctl: the Interfaces of a network or an attachment. */
final class OvsdbMarks {

    private OvsdbMarks() {
    }

    static int interfaces(OvsSandbox ovs, String network) {
        return names(ovs, "external_ids:" + Ownership.NETWORK + "=" + network);
    }

    static boolean holds(OvsSandbox ovs, String network, AttachmentId id) {
        return names(ovs, "external_ids:" + Ownership.NETWORK + "=" + network,
                "external_ids:" + Ownership.CONTAINER_ID + "=" + id.containerId(),
                "external_ids:" + Ownership.IFNAME + "=" + id.ifName()) == 1;
    }

    private static int names(OvsSandbox ovs, String... conditions) {
        List<String> args = new ArrayList<>(List.of("--format=csv", "--data=bare", "--no-headings", "--columns=name",
                "find", "Interface"));
        args.addAll(List.of(conditions));
        return (int) ovs.vsctl(args.toArray(String[]::new)).lines().filter(line -> !line.isBlank()).count();
    }
}
