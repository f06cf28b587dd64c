package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.CniException;

/**
 * A server-mode socket with {@code vhost.group}: a real unix socket becomes {@code 0660} and the group's (a
 * real group, made for the test); without a group it is left as it was made; a symbolic link where the socket
 * should be is refused, its target untouched; a group that does not exist is a configuration error.
 */
class SocketGroupTest {

    @TempDir
    Path dir;
    String group;
    ServerSocketChannel listener;

    @BeforeEach
    void createGroup() throws Exception {
        group = "usrsp" + UUID.randomUUID().toString().substring(0, 8);
        run("groupadd", group);
    }

    @AfterEach
    void deleteGroup() throws Exception {
        if (listener != null) {
            listener.close();
        }
        run("groupdel", group);
    }

    static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).inheritIO().start();
        assertThat(process.waitFor()).as(String.join(" ", command)).isZero();
    }

    Path socket() throws Exception {
        Path socket = dir.resolve("abc-net1");
        listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rwxr-xr-x"));
        return socket;
    }

    static PosixFileAttributes attributes(Path path) throws Exception {
        return Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    }

    @Test
    void theSocketBecomesTheGroupsWithMode0660() throws Exception {
        Path socket = socket();
        VhostUserPorts.shareWithGroup(socket, Optional.of(group));
        assertThat(attributes(socket).group().getName()).isEqualTo(group);
        assertThat(PosixFilePermissions.toString(attributes(socket).permissions())).isEqualTo("rw-rw----");
    }

    @Test
    void withoutAGroupTheSocketIsLeftAsItWasMade() throws Exception {
        Path socket = socket();
        VhostUserPorts.shareWithGroup(socket, Optional.empty());
        assertThat(attributes(socket).group().getName()).isEqualTo("root");
        assertThat(PosixFilePermissions.toString(attributes(socket).permissions())).isEqualTo("rwxr-xr-x");
    }

    @Test
    void aLinkWhereTheSocketShouldBeIsRefusedAndItsTargetLeftAlone() throws Exception {
        Path target = Files.writeString(dir.resolve("outside"), "data");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(dir.resolve("abc-net1"), target);
        assertThatThrownBy(() -> VhostUserPorts.shareWithGroup(link, Optional.of(group)))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(5))
                .hasMessageContaining(link + " is not a socket");
        assertThat(attributes(target).group().getName()).isEqualTo("root");
        assertThat(PosixFilePermissions.toString(attributes(target).permissions())).isEqualTo("rw-------");
    }

    @Test
    void aGroupThatDoesNotExistIsAConfigurationError() throws Exception {
        Path socket = socket();
        assertThatThrownBy(() -> VhostUserPorts.shareWithGroup(socket, Optional.of(group + "x")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
    }
}
