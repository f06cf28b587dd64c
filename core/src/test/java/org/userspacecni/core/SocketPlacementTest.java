package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.SocketCreator;
import org.userspacecni.spi.SocketRequest;

/**
 * Sockets are placed by one rule for every engine: a plain name, a path a unix socket can bind (through the pod's
 * short link where the directory is too long for the name), a directory made privately or for the request's
 * group; and after a failed ADD only what this placement made goes, never a neighbour's directory or link.
 */
class SocketPlacementTest {

    private static final System.Logger LOG = System.getLogger(SocketPlacementTest.class.getName());

    @TempDir
    Path root;

    static SocketRequest request(String name) {
        return new SocketRequest(name, SocketCreator.SWITCH, Optional.empty());
    }

    /** A directory below {@code root} whose path is {@code length} bytes long. */
    Path dirOfLength(int length) {
        String base = root.resolve("shared").toString() + "/";
        return Path.of(base + "d".repeat(length - base.length()));
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", ".", "..", "a/b", "/abs", "line\nbreak", "nul\0"})
    void aNameThatIsNotAPlainFileNameIsSevenNamingTheField(String name) {
        CniException refused = catchThrowableOfType(CniException.class, () -> request(name));
        assertThat(refused.code()).isEqualTo(7);
        assertThat(refused.getMessage()).contains("socketfile");
        CniException located = catchThrowableOfType(CniException.class,
                () -> SocketPlacement.in(root).locate(name));
        assertThat(located.code()).isEqualTo(7);
    }

    @Test
    void aSocketGoesInTheSharedDirectoryWhichIsMadePrivateWhenPlaced() throws Exception {
        Path shared = root.resolve("shared");
        SocketPlacement sockets = SocketPlacement.in(shared);
        assertThat(sockets.locate("abc-net1")).isEqualTo(shared.resolve("abc-net1"));
        assertThat(shared).doesNotExist();

        assertThat(sockets.place(request("abc-net1"))).isEqualTo(shared.resolve("abc-net1"));
        assertThat(mode(shared)).isEqualTo("rwx------");
        assertThat(sockets.madeAnything()).isFalse();
    }

    @Test
    void theRequestsGroupOwnsTheDirectoryWithMode0770() throws Exception {
        Path shared = root.resolve("for-qemu");
        SocketPlacement.in(shared).place(new SocketRequest("abc-net1", SocketCreator.CONTAINER,
                Optional.of("daemon")));
        assertThat(mode(shared)).isEqualTo("rwxrwx---");
        assertThat(Files.readAttributes(shared, PosixFileAttributes.class).group().getName()).isEqualTo("daemon");
    }

    @Test
    void aGroupThatDoesNotExistIsSevenAndMakesNothing() {
        Path shared = root.resolve("shared");
        CniException refused = catchThrowableOfType(CniException.class, () -> SocketPlacement.in(shared).place(
                new SocketRequest("abc-net1", SocketCreator.SWITCH, Optional.of("no-such-group-usrsp"))));
        assertThat(refused.code()).isEqualTo(7);
        assertThat(refused.getMessage()).contains("host.vhost.group");
        assertThat(shared).doesNotExist();
    }

    @Test
    void aPathLongerThan107BytesWithoutALinkIsSevenNamingTheFields() {
        Path dir = dirOfLength(100);
        assertThat(SocketPlacement.in(dir).locate("abcdef")).isEqualTo(dir.resolve("abcdef")); // 107 bytes fit
        CniException refused = catchThrowableOfType(CniException.class,
                () -> SocketPlacement.in(dir).place(request("abcdefg")));
        assertThat(refused.code()).isEqualTo(7);
        assertThat(refused.getMessage()).contains("108 bytes", "107", "sharedDir", "socketfile");
        assertThat(dir).doesNotExist();
    }

    @Test
    void aPodDirectoryTooLongForTheNameIsReachedThroughItsShortLinkAndTheDecisionIsTheNames() throws Exception {
        Path dir = dirOfLength(100);
        Path link = root.resolve("links").resolve("pod-uid");
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, link, LOG);

        assertThat(sockets.place(request("short"))).isEqualTo(dir.resolve("short"));
        assertThat(link).doesNotExist();
        Path linked = sockets.place(request("memif-0123456789ab-net1.sock"));

        assertThat(linked).isEqualTo(link.resolve("memif-0123456789ab-net1.sock"));
        assertThat(Files.readSymbolicLink(link)).isEqualTo(dir);
        assertThat(mode(dir)).isEqualTo("rwx------");
        assertThat(sockets.locate("memif-0123456789ab-net1.sock")).isEqualTo(linked);
        assertThat(sockets.madeAnything()).isTrue();

        sockets.removeMade();
        assertThat(link).doesNotExist();
        assertThat(dir).doesNotExist();
    }

    @Test
    void aNameTooLongEvenThroughTheLinkIsSevenAndMakesNothing() {
        Path dir = dirOfLength(100);
        Path link = root.resolve("links").resolve("pod-uid");
        String name = "n".repeat(107 - link.toString().length());
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, link, LOG);

        CniException refused = catchThrowableOfType(CniException.class, () -> sockets.place(request(name)));
        assertThat(refused.code()).isEqualTo(7);
        assertThat(refused.getMessage()).contains(link.resolve(name).toString(), "107");
        assertThat(dir).doesNotExist();
        assertThat(link).doesNotExist();
        assertThat(sockets.madeAnything()).isFalse();
    }

    @Test
    void aLinkOfTheSameNameThatLeadsElsewhereIsANeighboursAndStays() throws Exception {
        Path dir = dirOfLength(100);
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Path link = Files.createDirectories(root.resolve("links")).resolve("pod-uid");
        Files.createSymbolicLink(link, elsewhere);
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, link, LOG);

        CniException refused = catchThrowableOfType(CniException.class,
                () -> sockets.place(request("memif-0123456789ab-net1.sock")));
        assertThat(refused.code()).isEqualTo(5);
        sockets.removeMade();

        assertThat(Files.readSymbolicLink(link)).isEqualTo(elsewhere);
        assertThat(elsewhere).isEmptyDirectory();
    }

    @Test
    void aPodDirectoryThatWasThereAndItsLinkStayAfterAFailedAdd() throws Exception {
        Path dir = Files.createDirectories(dirOfLength(100));
        Path link = Files.createDirectories(root.resolve("links")).resolve("pod-uid");
        Files.createSymbolicLink(link, dir);
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, link, LOG);

        sockets.place(request("memif-0123456789ab-net1.sock"));
        assertThat(sockets.madeAnything()).isFalse();
        sockets.removeMade();

        assertThat(dir).isDirectory();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(dir);
    }

    @Test
    void whatItMadeStaysWhileANeighboursSocketIsInTheDirectory() throws Exception {
        Path dir = dirOfLength(100);
        Path link = root.resolve("links").resolve("pod-uid");
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, link, LOG);
        sockets.place(request("memif-0123456789ab-net1.sock"));
        Path neighbours = Files.createFile(dir.resolve("net2"));

        sockets.removeMade();

        assertThat(neighbours).exists();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(dir);
    }

    @Test
    void aLinkInPlaceOfThePodsOwnDirectoryIsRefusedAndItsTargetUntouched() throws Exception {
        Path target = Files.createDirectories(root.resolve("target"));
        String before = mode(target);
        Path dir = root.resolve("shared").resolve("0123456789ab");
        Files.createDirectories(dir.getParent());
        Files.createSymbolicLink(dir, target);
        SocketPlacement sockets = SocketPlacement.inPod(dir, true, root.resolve("links").resolve("pod-uid"), LOG);

        CniException refused = catchThrowableOfType(CniException.class, () -> sockets.place(request("net1")));

        assertThat(refused.code()).isEqualTo(5);
        assertThat(refused.getMessage()).contains("symbolic link");
        assertThat(mode(target)).isEqualTo(before);
        assertThat(target).isEmptyDirectory();
        assertThat(Files.isSymbolicLink(dir)).isTrue();
    }

    @Test
    void aPodsOwnVolumeIsUsedAsItIsAndNeverRemoved() throws Exception {
        Path volume = Files.createDirectories(root.resolve("volume"));
        Files.setPosixFilePermissions(volume, PosixFilePermissions.fromString("rwxr-xr-x"));
        SocketPlacement sockets = SocketPlacement.inPod(volume, false, root.resolve("links").resolve("pod-uid"),
                LOG);

        assertThat(sockets.place(request("net1"))).isEqualTo(volume.resolve("net1"));
        sockets.removeMade();

        assertThat(mode(volume)).isEqualTo("rwxr-xr-x");
        assertThat(sockets.madeAnything()).isFalse();
    }
}
