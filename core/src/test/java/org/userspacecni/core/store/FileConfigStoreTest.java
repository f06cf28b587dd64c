package org.userspacecni.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;
import org.userspacecni.spi.VhostMode;

class FileConfigStoreTest {

    @TempDir
    Path dir;

    static ContainerConfig config(String containerId, String ifName, String ipamPadding) {
        Side side = new Side("ovs-dpdk", InterfaceType.VHOSTUSER, Optional.empty(),
                new VhostConfig(Optional.of(VhostMode.SERVER), Optional.empty(), Optional.of("abc-" + ifName)),
                MemifConfig.EMPTY, BridgeConfig.EMPTY, Map.of());
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, containerId, ifName, "net", side,
                Map.of("cniVersion", "1.1.0", "padding", ipamPadding), "abc-" + ifName, "02:00:00:00:00:01",
                Optional.of(1500), Optional.of(100));
    }

    FileConfigStore host() {
        return FileConfigStore.hostView(dir.resolve("data"), new CniLog("test", System.err));
    }

    @Test
    void roundTripsInTheOriginalLayoutAndTheContainerSeesItsOwnDirectory() {
        ContainerConfig config = config("c0ffee", "net1", "");
        host().put(config);
        assertThat(dir.resolve("data/c0ffee/net1.json")).exists();
        assertThat(host().get(new AttachmentId("c0ffee", "net1"))).contains(config);
        FileConfigStore container = FileConfigStore.containerView(dir.resolve("data/c0ffee"),
                new CniLog("test", System.err));
        assertThat(container.list()).containsExactly(config);
        host().delete(config.id());
        assertThat(dir.resolve("data/c0ffee")).doesNotExist();
        host().delete(config.id());
    }

    @Test
    void documentsAndDirectoriesArePrivate() throws Exception {
        host().put(config("c0ffee", "net1", ""));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/c0ffee"))))
                .isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("data/c0ffee/net1.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aConcurrentReaderNeverSeesAPartialDocument() throws Exception {
        FileConfigStore store = host();
        store.put(config("c0ffee", "net1", "a"));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger reads = new AtomicInteger();
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
            while (writing.get() || reads.get() < 100) {
                ContainerConfig seen = store.get(new AttachmentId("c0ffee", "net1")).orElseThrow();
                assertThat(seen.ipResult().get("padding").toString()).matches("a+|b+");
                reads.incrementAndGet();
            }
        });
        for (int i = 0; i < 200; i++) {
            store.put(config("c0ffee", "net1", (i % 2 == 0 ? "b" : "a").repeat(64 * 1024)));
        }
        writing.set(false);
        reader.get();
        assertThat(reads.get()).isGreaterThanOrEqualTo(100);
    }

    @Test
    void anUnknownSchemaVersionIsAClearError() throws Exception {
        host().put(config("c0ffee", "net1", ""));
        Path file = dir.resolve("data/c0ffee/net1.json");
        Files.writeString(file, Files.readString(file).replace("\"schemaVersion\" : 1", "\"schemaVersion\" : 2"));
        assertThatThrownBy(() -> host().get(new AttachmentId("c0ffee", "net1")))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.getMessage())
                        .contains(file.toString()).contains("schema version 2; this program reads version 1"));
    }

    @Test
    void aCorruptDocumentIsReportedAndSkipped() throws Exception {
        host().put(config("c0ffee", "net1", ""));
        host().put(config("c0ffee", "net2", ""));
        Files.writeString(dir.resolve("data/c0ffee/net2.json"), "{\"schemaVersion\":1,\"containerId\":");
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        List<ContainerConfig> listed = FileConfigStore.hostView(dir.resolve("data"),
                new CniLog("test", new PrintStream(stderr, true))).list();
        assertThat(listed).extracting(ContainerConfig::ifName).containsExactly("net1");
        assertThat(stderr.toString()).contains("skipping").contains("net2.json");
    }
}
