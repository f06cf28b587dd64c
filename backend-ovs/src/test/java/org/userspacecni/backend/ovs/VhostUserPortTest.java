package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;

/** The host side's rules, against a private ovsdb-server: what ADD writes, what DEL removes, CHECK and GC. */
class VhostUserPortTest {

    @TempDir
    static Path root;
    static OvsFixture fixture;

    @BeforeAll
    static void start() {
        fixture = new OvsFixture(root);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void addMakesAClientModePortOnANewNetdevBridgeMarkedAsOurs() {
        NetConf conf = fixture.netConf("net-a", "\"vhost\":{\"mode\":\"client\"},\"bridge\":{\"bridgeName\":\"br-a\"}");
        Attachment a = fixture.attachment("c0ffee0000000001", "net1", conf);
        HostPort port = fixture.host.add(a);

        assertThat(port.name()).isEqualTo("c0ffee000000-net1");
        assertThat(port.socketPath()).isEqualTo(fixture.sharedDir().resolve("c0ffee000000-net1").toString());
        assertThat(port.mac()).contains("02:00:00:00:00:01");
        assertThat(fixture.get("Bridge", "br-a", "datapath_type")).isEqualTo("netdev");
        assertThat(fixture.get("Bridge", "br-a", "external_ids")).contains("\"userspace-cni/created-by\"=userspace-cni");
        assertThat(fixture.list("list-ports", "br-a")).isEqualTo("c0ffee000000-net1");
        assertThat(fixture.get("Interface", port.name(), "type")).isEqualTo("dpdkvhostuserclient");
        assertThat(fixture.get("Interface", port.name(), "options:vhost-server-path"))
                .isEqualTo("\"" + port.socketPath() + "\"");
        for (String table : new String[] {"Port", "Interface"}) {
            assertThat(fixture.get(table, port.name(), "external_ids"))
                    .contains("\"userspace-cni/container-id\"=c0ffee0000000001")
                    .contains("\"userspace-cni/ifname\"=net1")
                    .contains("\"userspace-cni/network\"=net-a");
        }
        fixture.host.delete(a);
        assertThat(fixture.list("list-br")).doesNotContain("br-a");
    }

    @Test
    void addHonoursVlanMtuSocketFileAndServerMode() {
        NetConf conf = fixture.netConf("net-b", "\"vhost\":{\"mode\":\"server\",\"socketfile\":\"vhu-b.sock\"},"
                + "\"bridge\":{\"bridgeName\":\"br-b\",\"vlanId\":100}", "\"mtu\":9000");
        Attachment a = fixture.attachment("c0ffee0000000002", "net1", conf);
        HostPort port = fixture.host.add(a);

        assertThat(port.name()).isEqualTo("vhu-b.sock");
        assertThat(fixture.get("Port", "vhu-b.sock", "tag")).isEqualTo("100");
        assertThat(fixture.get("Interface", "vhu-b.sock", "type")).isEqualTo("dpdkvhostuser");
        assertThat(fixture.get("Interface", "vhu-b.sock", "mtu_request")).isEqualTo("9000");
        assertThat(port.mtu()).contains(9000);
        fixture.host.delete(a);
    }

    @Test
    void delNeverRemovesABridgeItDidNotCreate() {
        fixture.ovs.vsctl("--no-wait", "add-br", "br-ops", "--", "set", "Bridge", "br-ops", "datapath_type=netdev");
        NetConf conf = fixture.netConf("net-c", "\"bridge\":{\"bridgeName\":\"br-ops\"}");
        Attachment a = fixture.attachment("c0ffee0000000003", "net1", conf);
        fixture.host.add(a);
        assertThat(fixture.list("list-ports", "br-ops")).isEqualTo("c0ffee000000-net1");
        fixture.host.delete(a);
        assertThat(fixture.list("list-ports", "br-ops")).isEmpty();
        assertThat(fixture.list("list-br")).contains("br-ops");
        fixture.ovs.vsctl("--no-wait", "del-br", "br-ops");
    }

    @Test
    void aCreatedBridgeStaysWhileOtherPortsRemain() {
        NetConf conf = fixture.netConf("net-d", "\"bridge\":{\"bridgeName\":\"br-d\"}");
        Attachment first = fixture.attachment("d1first00000", "net1", conf);
        Attachment second = fixture.attachment("d2second0000", "net1", conf);
        fixture.host.add(first);
        fixture.host.add(second);
        fixture.host.delete(first);
        assertThat(fixture.list("list-ports", "br-d")).isEqualTo("d2second0000-net1");
        fixture.host.delete(second);
        assertThat(fixture.list("list-br")).doesNotContain("br-d");
    }

    @Test
    void delSucceedsWhenEverythingIsAlreadyGone() {
        NetConf conf = fixture.netConf("net-e", "");
        Attachment a = fixture.attachment("c0ffee0000000006", "net1", conf);
        fixture.host.delete(a);
        fixture.host.add(a);
        fixture.host.delete(a);
        fixture.host.delete(a);
        assertThat(fixture.list("list-br")).doesNotContain("br0");
    }

    @Test
    void delRemovesTheSocketItsPortNamesAndAddCreatesTheSharedDirectoryPrivately() throws Exception {
        NetConf conf = fixture.netConf("net-f", "");
        Attachment a = fixture.attachment("c0ffee0000000007", "net1", conf);
        HostPort port = fixture.host.add(a);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fixture.sharedDir())))
                .isEqualTo("rwx------");
        try (ServerSocketChannel frontend = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            frontend.bind(UnixDomainSocketAddress.of(port.socketPath()));
            fixture.host.delete(a);
        }
        assertThat(Path.of(port.socketPath())).doesNotExist();
    }

    @Test
    void delLeavesWhatIsNotASocketInPlaceOfTheSocket() throws Exception {
        NetConf conf = fixture.netConf("net-f2", "");
        Attachment a = fixture.attachment("c0ffee0000000017", "net1", conf);
        HostPort port = fixture.host.add(a);
        Files.writeString(Path.of(port.socketPath()), "someone's file");
        fixture.host.delete(a);
        assertThat(Path.of(port.socketPath())).hasContent("someone's file");
        Files.delete(Path.of(port.socketPath()));
    }

    @Test
    void theSharedDirectoryBelongsToTheVhostGroupWhenOneIsGiven() throws Exception {
        Path shared = root.resolve("shared-for-qemu");
        NetConf conf = fixture.netConf("net-q", "\"vhost\":{\"group\":\"daemon\"}", "", shared);
        Attachment a = fixture.attachment("qemu00000001", "net1", conf);
        fixture.host.add(a);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(shared))).isEqualTo("rwxrwx---");
        assertThat(Files.readAttributes(shared, PosixFileAttributes.class).group().getName()).isEqualTo("daemon");
        fixture.host.delete(a);
    }

    @Test
    void checkPassesOnWhatAddMadeAndNamesWhatDiffers() {
        NetConf conf = fixture.netConf("net-g", "\"bridge\":{\"bridgeName\":\"br-g\"}");
        Attachment a = fixture.attachment("c0ffee0000000008", "net1", conf);
        HostPort port = fixture.host.add(a);
        fixture.host.check(a);

        fixture.ovs.vsctl("--no-wait", "set", "Interface", port.name(), "options:vhost-server-path=/elsewhere");
        assertCode(() -> fixture.host.check(a), 100, "options:vhost-server-path=/elsewhere");
        fixture.ovs.vsctl("--no-wait", "del-port", "br-g", port.name());
        assertCode(() -> fixture.host.check(a), 100, "expected one port, found []");
        fixture.host.delete(a);
    }

    @Test
    void gcRemovesThePortsOfThisNetworkThatAreNotValidAndNothingElse() {
        NetConf mine = fixture.netConf("net-h", "\"bridge\":{\"bridgeName\":\"br-h\"}");
        NetConf other = fixture.netConf("net-i", "\"bridge\":{\"bridgeName\":\"br-h\"}");
        Attachment keep = fixture.attachment("keep00000001", "net1", mine);
        Attachment stale = fixture.attachment("stale0000001", "net1", mine);
        Attachment foreign = fixture.attachment("other0000001", "net1", other);
        fixture.host.add(keep);
        fixture.host.add(stale);
        fixture.host.add(foreign);

        fixture.host.gc(Network.of(mine), fixture.sockets(mine), Set.of(new AttachmentId("keep00000001", "net1")));

        assertThat(fixture.list("list-ports", "br-h").lines()).containsExactlyInAnyOrder("keep00000001-net1",
                "other0000001-net1");
        fixture.host.delete(keep);
        fixture.host.delete(foreign);
        assertThat(fixture.list("list-br")).doesNotContain("br-h");
    }

    @Test
    void aPortNameHeldByAnotherAttachmentIsNotTaken() {
        NetConf conf = fixture.netConf("net-j", "\"vhost\":{\"socketfile\":\"shared.sock\"}");
        Attachment first = fixture.attachment("first0000001", "net1", conf);
        Attachment second = fixture.attachment("second000001", "net1", conf);
        fixture.host.add(first);
        assertCode(() -> fixture.host.add(second), 7, "vhost.socketfile 'shared.sock' is another attachment's");
        assertThat(fixture.get("Port", "shared.sock", "external_ids")).contains("first0000001");
        fixture.host.delete(first);
    }

    @Test
    void addingTheSameAttachmentAgainReplacesItsPort() {
        NetConf conf = fixture.netConf("net-k", "");
        Attachment a = fixture.attachment("again0000001", "net1", conf);
        fixture.host.add(a);
        fixture.host.add(a);
        assertThat(fixture.list("list-ports", "br0")).isEqualTo("again0000001-net1");
        fixture.host.delete(a);
    }

    @Test
    void invalidRequestsChangeNothing() {
        String before = fixture.list("show");
        assertCode(() -> fixture.host.add(fixture.attachment("bad000000001", "net1",
                fixture.netConf("net-l", "\"netType\":\"interface\""))), 2, "host.netType");
        assertCode(() -> fixture.host.add(fixture.attachment("bad000000001", "net1",
                fixture.netConf("net-l", "\"bridge\":{\"bridgeName\":\"a-bridge-name-too-long\"}"))), 7, "bridgeName");
        assertCode(() -> fixture.host.add(fixture.attachment("bad000000001", "net1",
                fixture.netConf("net-l", "\"vhost\":{\"socketfile\":\"" + "s".repeat(120) + "\"}"))), 7,
                "longer than the 107");
        assertCode(() -> fixture.host.add(fixture.attachment("bad000000001", "net1",
                fixture.netConf("net-l", "\"vhost\":{\"group\":\"no-such-group-here\"}"))), 7, "no group named");
        fixture.ovs.vsctl("--no-wait", "add-br", "br-sys");
        assertCode(() -> fixture.host.add(fixture.attachment("bad000000001", "net1",
                fixture.netConf("net-l", "\"bridge\":{\"bridgeName\":\"br-sys\"}"))), 7, "datapath_type");
        fixture.ovs.vsctl("--no-wait", "del-br", "br-sys");
        assertThat(fixture.list("show")).isEqualTo(before);
    }

    static void assertCode(Runnable action, int code, String message) {
        assertThatThrownBy(action::run).isInstanceOfSatisfying(CniException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(message);
        });
    }
}
