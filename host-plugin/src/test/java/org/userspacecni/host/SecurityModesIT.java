package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.userspacecni.backend.vpp.real.RealVpp;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.OvsSandbox;

/**
 * Who owns what the built plugin creates, and with which mode: the container's store directory {@code 0700} and
 * its documents {@code 0600} (the container mounts that directory; its root reads them), the device-info file
 * {@code 0600}, a new log file {@code 0600} while an existing one keeps its mode, and, made by the
 * {@code ovs-dpdk} engine against a real ovsdb-server, the shared socket directory {@code 0700}, or
 * {@code 0770} and the group's when {@code vhost.group} names one (a real group made for the test); the same for
 * the directory the {@code vpp} engine has a real VPP make its sockets in. All root's.
 */
class SecurityModesIT extends PluginFixtureTest {

    static PosixFileAttributes attributes(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    static void assertOwned(Path path, String group, String mode) throws Exception {
        PosixFileAttributes attributes = attributes(path);
        assertThat(attributes.owner().getName()).as(path + " owner").isEqualTo("root");
        assertThat(attributes.group().getName()).as(path + " group").isEqualTo(group);
        assertThat(PosixFilePermissions.toString(attributes.permissions())).as(path + " mode").isEqualTo(mode);
    }

    static CniInvocation.Outcome ok(CniInvocation.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        return outcome;
    }

    @Test
    void theStoreTheDeviceInfoFileAndANewLogFileArePrivate() throws Exception {
        Path deviceInfo = root.resolve("devinfo/pod-net1.json");
        Path logFile = root.resolve("plugin.log");
        String config = fixture.config("1.1.0", ",\"logLevel\":\"debug\",\"logFile\":\"" + logFile + "\","
                + "\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"" + deviceInfo + "\"}");
        ok(fixture.attachment("mode0123456789", "net1").run("ADD", config));

        assertOwned(fixture.dataDir().resolve("mode0123456789"), "root", "rwx------");
        assertOwned(fixture.dataDir().resolve("mode0123456789/net1.json"), "root", "rw-------");
        assertOwned(deviceInfo, "root", "rw-------");
        assertOwned(logFile, "root", "rw-------");
        ok(fixture.attachment("mode0123456789", "net1").run("DEL", config));
    }

    @Test
    void anExistingLogFileKeepsItsMode() throws Exception {
        Path logFile = Files.writeString(root.resolve("plugin.log"), "");
        Files.setPosixFilePermissions(logFile, PosixFilePermissions.fromString("rw-r-----"));
        String config = fixture.config("1.1.0", ",\"logLevel\":\"debug\",\"logFile\":\"" + logFile + "\"");
        ok(fixture.attachment("mode0123456789", "net1").run("ADD", config));
        assertOwned(logFile, "root", "rw-r-----");
        assertThat(Files.readString(logFile)).contains("[debug]");
        ok(fixture.attachment("mode0123456789", "net1").run("DEL", config));
    }

    String ovsConfig(OvsSandbox ovs, String vhost) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-modes\",\"type\":\"userspace\",\"sharedDir\":\""
                + fixture.sharedDir() + "\",\"dataDir\":\"" + fixture.dataDir() + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"vhost\":" + vhost + ","
                + "\"bridge\":{\"bridgeName\":\"br-modes\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\",\"waitForVswitchd\":\"false\"}},"
                + "\"ipam\":" + fixture.ipam.section() + "}";
    }

    @Test
    void theSharedDirectoryIsPrivateWithoutAGroup() throws Exception {
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"))) {
            String config = ovsConfig(ovs, "{\"mode\":\"client\"}");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("ADD", config));
            assertOwned(fixture.sharedDir(), "root", "rwx------");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("DEL", config));
        }
    }

    @Test
    void theSharedDirectoryIsTheGroupsWithVhostGroup() throws Exception {
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs")); SystemGroup group = SystemGroup.create()) {
            String config = ovsConfig(ovs, "{\"mode\":\"client\",\"group\":\"" + group.name + "\"}");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("ADD", config));
            assertOwned(fixture.sharedDir(), group.name, "rwxrwx---");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("DEL", config));
        }
    }

    String vppConfig(RealVpp vpp, String host) {
        return "{\"cniVersion\":\"1.1.0\",\"name\":\"vpp-modes\",\"type\":\"userspace\",\"dataDir\":\""
                + fixture.dataDir() + "\",\"sharedDir\":\"" + fixture.sharedDir() + "\",\"host\":{\"engine\":"
                + "\"vpp\"," + host + ",\"options\":{\"apiSocket\":\"" + vpp.apiSocket() + "\"}},\"ipam\":"
                + fixture.ipam.section() + "}";
    }

    @Test
    void vppMakesMemifSocketsInAPrivateDirectory() throws Exception {
        try (RealVpp vpp = RealVpp.start(root.resolve("vpp"))) {
            String config = vppConfig(vpp, "\"iftype\":\"memif\"");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("ADD", config));
            assertOwned(fixture.sharedDir(), "root", "rwx------");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("DEL", config));
        }
    }

    @Test
    void vppMakesVhostSocketsInTheGroupsDirectoryWithVhostGroup() throws Exception {
        try (RealVpp vpp = RealVpp.start(root.resolve("vpp"));
                SystemGroup group = SystemGroup.create()) {
            String config = vppConfig(vpp, "\"iftype\":\"vhostuser\",\"vhost\":{\"mode\":\"server\",\"group\":\""
                    + group.name + "\"}");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("ADD", config));
            assertOwned(fixture.sharedDir(), group.name, "rwxrwx---");
            ok(PluginFixture.invocation("mode0123456789", fixture.netns).run("DEL", config));
        }
    }
}
