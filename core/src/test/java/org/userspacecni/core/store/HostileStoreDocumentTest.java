package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.userspacecni.core.fuzz.CniErrorShape.assertWellFormed;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.Json;
import org.userspacecni.core.fuzz.HostileInput;
import org.userspacecni.core.fuzz.Property;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;

/**
 * Stored documents that are not what the plugin wrote (random bytes, arbitrary JSON, a real document with
 * values swapped): reading one is a container configuration or a decoding error (code 6) naming the file,
 * and listing skips the bad ones, keeps the good ones and never throws. Inputs per run: 1,500 documents read
 * and 200 directories of four documents listed (see {@link Property} to reproduce).
 */
class HostileStoreDocumentTest {

    static final CniLog QUIET = new CniLog("test", new PrintStream(OutputStream.nullOutputStream()));

    @TempDir
    Path dir;

    static final ObjectNode STORED = (ObjectNode) Json.mapper().valueToTree(FileConfigStoreTest.config("c0ffee",
            "net1", "padding"));

    static byte[] document(SplittableRandom random) {
        switch (random.nextInt(3)) {
            case 0:
                return HostileInput.bytes(random);
            case 1:
                return HostileInput.text(HostileInput.object(random));
            default:
                return HostileInput.text(HostileInput.mutation(random, STORED));
        }
    }

    @Test
    void aDocumentIsAConfigurationOrACodeSixNamingTheFile() {
        FileConfigStore store = FileConfigStore.hostView(dir, QUIET);
        Path file = dir.resolve("c0ffee/net1.json");
        Property.forAll(1500, HostileStoreDocumentTest::document, contents -> {
            write(file, contents);
            try {
                ContainerConfig read = store.read(file);
                assertThat(read.schemaVersion()).isEqualTo(ContainerConfig.SCHEMA_VERSION);
            } catch (CniException e) {
                assertWellFormed(e);
                assertThat(e.code()).isEqualTo(6);
                assertThat(e.getMessage()).contains(file.toString());
            }
        });
    }

    /** A case the generators found: the JSON literal {@code null} read as no configuration at all. */
    @Test
    void aDocumentThatIsTheJsonNullIsCodeSix() {
        Path file = dir.resolve("c0ffee/net1.json");
        write(file, "null".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertThat(catchThrowable(() -> FileConfigStore.hostView(dir, QUIET).read(file)))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(6));
    }

    @Test
    void listingSkipsBadDocumentsKeepsGoodOnesAndNeverThrows() {
        FileConfigStore store = FileConfigStore.hostView(dir, QUIET);
        Property.forAll(200, random -> {
            List<byte[]> documents = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                documents.add(random.nextInt(3) == 0 ? HostileInput.text(STORED) : document(random));
            }
            return documents;
        }, documents -> {
            long readable = 0;
            for (int i = 0; i < documents.size(); i++) {
                Path file = dir.resolve("c" + i + "/net1.json");
                write(file, documents.get(i));
                try {
                    store.read(file);
                    readable++;
                } catch (CniException e) {
                    // Counted as one the listing must skip.
                }
            }
            assertThat(store.list()).hasSize((int) readable);
        });
    }

    static void write(Path file, byte[] contents) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, contents);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
