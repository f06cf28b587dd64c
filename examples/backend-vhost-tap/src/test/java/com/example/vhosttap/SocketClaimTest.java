package com.example.vhosttap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.Neighbour;

/** A socket is a forwarder's only through its claim, and a claim removes nothing but a socket. */
class SocketClaimTest {

    private static final ForwarderName MINE = new ForwarderName("vt000000000001");
    private static final ForwarderName THEIRS = new ForwarderName("vt000000000002");

    @TempDir
    Path dir;

    private HostSettings settings() {
        return new HostSettings(Path.of("/usr/bin/dpdk-testpmd"), Path.of("/dev/hugepages"), dir.resolve("state"),
                "0-1");
    }

    @Test
    void aPathClaimedByAnotherForwarderIsNotTakenAndItsSocketNotRemoved() {
        Path socket = dir.resolve("shared/0123456789ab-net1");
        assertThat(SocketClaim.of(settings(), socket, THEIRS).take()).isTrue();
        try (Neighbour theirs = Neighbour.listenAt(socket)) {
            SocketClaim mine = SocketClaim.of(settings(), socket, MINE);

            assertThat(mine.take()).isFalse();
            mine.removeSocket();

            theirs.assertUnchanged();
            assertThat(SocketClaim.of(settings(), socket, THEIRS).held()).isTrue();
        }
    }

    @Test
    void aFileAtThePathIsNeverTakenAndTheClaimIsNotKept() throws IOException {
        Path socket = Files.createDirectories(dir.resolve("shared")).resolve("0123456789ab-net1");
        try (Neighbour container = Neighbour.listenAt(socket)) {
            SocketClaim mine = SocketClaim.of(settings(), socket, MINE);

            assertThat(mine.take()).isFalse();
            assertThat(mine.held()).isFalse();
            container.assertUnchanged();
        }
    }

    @Test
    void theOwnersClaimRemovesASocketButNeitherARegularFileNorALinkNorWhatItPointsTo() throws IOException {
        Path shared = Files.createDirectories(dir.resolve("shared"));
        Path target = Files.writeString(dir.resolve("precious"), "data");
        Path regular = shared.resolve("regular");
        Path link = shared.resolve("link");
        Path socket = shared.resolve("socket");
        SocketClaim forRegular = SocketClaim.of(settings(), regular, MINE);
        SocketClaim forLink = SocketClaim.of(settings(), link, MINE);
        SocketClaim forSocket = SocketClaim.of(settings(), socket, MINE);
        assertThat(forRegular.take() && forLink.take() && forSocket.take()).isTrue();
        Files.writeString(regular, "not a socket");
        Files.createSymbolicLink(link, target);
        Neighbour served = Neighbour.listenAt(socket);

        forRegular.removeSocket();
        forLink.removeSocket();
        forSocket.removeSocket();

        assertThat(regular).hasContent("not a socket");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(target).hasContent("data");
        assertThat(Files.exists(socket, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(forSocket.held()).isFalse();
        served.close();
    }
}
