package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;

/**
 * The file store never follows a symbolic link below its directory: a container directory planted as a link
 * is refused on write and read and removed as a link by DEL, skipped by listing (so GC leaves it); a document
 * planted as a link is replaced by the write, refused on read, removed as a link. The targets keep their
 * content and mode. The store's own directory may be a link, as an operator may make it. Directories are
 * {@code 0700}, documents {@code 0600}.
 */
class FileConfigStoreLinksTest {

    @TempDir
    Path dir;

    FileConfigStore store;

    @BeforeEach
    void open() {
        store = FileConfigStore.hostView(dir.resolve("data"),
                new CniLog("test", new PrintStream(new ByteArrayOutputStream(), true)));
    }

    Path outsideDirectory() throws Exception {
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("net1.json"), "{\"secret\":true}");
        return outside;
    }

    static String mode(Path path) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(path, LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void directoriesArePrivateAndDocumentsTooAndTheRootMayBeALink() throws Exception {
        Path real = Files.createDirectories(dir.resolve("real-data"));
        FileConfigStore linked = FileConfigStore.hostView(Files.createSymbolicLink(dir.resolve("data"), real),
                new CniLog("test", new PrintStream(new ByteArrayOutputStream(), true)));
        linked.put(FileConfigStoreTest.config("c1", "net1", ""));
        assertThat(mode(real.resolve("c1"))).isEqualTo("rwx------");
        assertThat(mode(real.resolve("c1/net1.json"))).isEqualTo("rw-------");
        assertThat(linked.list()).hasSize(1);
    }

    @Test
    void aContainerDirectoryThatIsALinkIsRefusedAndDelRemovesOnlyTheLink() throws Exception {
        Path outside = outsideDirectory();
        Files.createDirectories(dir.resolve("data"));
        Path link = Files.createSymbolicLink(dir.resolve("data/c1"), outside);

        assertThatThrownBy(() -> store.put(FileConfigStoreTest.config("c1", "net1", "")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(5))
                .hasMessageContaining(link + " is a symbolic link");
        assertThatThrownBy(() -> store.get(new AttachmentId("c1", "net1"))).isInstanceOf(CniException.class);
        assertThat(store.list()).isEmpty();

        store.delete(new AttachmentId("c1", "net1"));
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(Files.readString(outside.resolve("net1.json"))).isEqualTo("{\"secret\":true}");
    }

    @Test
    void aDocumentThatIsALinkIsReplacedOnWriteRefusedOnReadAndRemovedAsALink() throws Exception {
        Path target = outsideDirectory().resolve("net1.json");
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
        Path document = Files.createDirectories(dir.resolve("data/c1")).resolve("net1.json");

        Files.createSymbolicLink(document, target);
        assertThatThrownBy(() -> store.get(new AttachmentId("c1", "net1"))).isInstanceOf(CniException.class)
                .hasMessageContaining("symbolic link");
        store.delete(new AttachmentId("c1", "net1"));
        assertThat(Files.exists(document, LinkOption.NOFOLLOW_LINKS)).isFalse();

        Files.createDirectories(document.getParent());
        Files.createSymbolicLink(document, target);
        store.put(FileConfigStoreTest.config("c1", "net1", ""));
        assertThat(Files.isSymbolicLink(document)).isFalse();
        assertThat(mode(document)).isEqualTo("rw-------");
        assertThat(store.get(new AttachmentId("c1", "net1"))).isPresent();

        assertThat(Files.readString(target)).isEqualTo("{\"secret\":true}");
        assertThat(mode(target)).isEqualTo("rw-r--r--");
    }
}
