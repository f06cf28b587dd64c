package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.HostState;

/**
 * The store's directory on a file system of its own (a small tmpfs) that is read-only or full, against a
 * private ovsdb-server and the real host-local: ADD fails with code 5 naming what it could not write and the
 * node is as before (the lease and the port of an ADD that got that far are rolled back); DEL on a read-only
 * store fails clearly while the stored configuration is there and succeeds once the store is writable again;
 * and ADD works once the fault is gone.
 */
class StoreFaultIT {

    static final String CONTAINER = "storefault01";

    @TempDir
    Path root;
    OvsdbHost host;
    final List<Path> mounts = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        host = new OvsdbHost(root);
        Files.createDirectories(host.dataDir());
        HostCommand.run("mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", host.dataDir().toString());
        mounts.add(host.dataDir());
    }

    @AfterEach
    void stop() {
        try {
            for (Path mount : mounts) {
                HostCommand.run("umount", mount.toString());
            }
        } finally {
            host.close();
        }
    }

    @Test
    void aReadOnlyStoreFailsAddAndDelClearlyAndBothWorkOnceWritable() {
        HostState before = host.state();
        remount("ro");

        CniInvocation.Outcome refused = host.plugin(CONTAINER).run("ADD", host.config(CONTAINER));
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.json().path("code").asInt()).as(refused.stdout()).isEqualTo(5);
        assertThat(refused.json().path("msg").asText()).contains(host.dataDir().toString());
        assertThat(host.state()).isEqualTo(before);
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode())
                .as("DEL of what is gone succeeds on a read-only store").isZero();

        remount("rw");
        assertThat(host.plugin(CONTAINER).run("ADD", host.config(CONTAINER)).exitCode()).isZero();
        remount("ro");
        CniInvocation.Outcome delRefused = host.plugin(CONTAINER).run("DEL", host.config(CONTAINER));
        assertThat(delRefused.exitCode()).isEqualTo(1);
        assertThat(delRefused.json().path("code").asInt()).as(delRefused.stdout()).isEqualTo(5);

        remount("rw");
        CniInvocation.Outcome deleted = host.plugin(CONTAINER).run("DEL", host.config(CONTAINER));
        assertThat(deleted.exitCode()).as(deleted.stdout() + deleted.stderr()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }

    @Test
    void aStoreThatFillsUpDuringAddRollsBackTheLeaseAndThePort() throws IOException {
        HostState before = host.state();
        Path filler = host.dataDir().resolve("filler");
        CniInvocation.Running add;
        try (HeldAdd held = new HeldAdd(root, Step.PORT_ADDED)) {
            add = host.plugin(CONTAINER).env(HoldPoints.VARIABLE, held.variable()).start("ADD",
                    host.config(CONTAINER));
            held.awaitReached(Duration.ofSeconds(60));
            assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
            fill(filler);
            held.release();
        }
        CniInvocation.Outcome failed = add.finish();
        assertThat(failed.exitCode()).as(failed.stdout() + failed.stderr()).isEqualTo(1);
        assertThat(failed.json().path("code").asInt()).as(failed.stdout()).isEqualTo(5);
        Files.delete(filler);
        assertThat(host.state()).isEqualTo(before);

        assertThat(host.plugin(CONTAINER).run("ADD", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }

    /** Writes {@code file} until its file system has no block left. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[4096];
        try (var out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                out.flush();
            }
        } catch (IOException e) {
            if (!String.valueOf(e.getMessage()).contains("No space left")) {
                throw e;
            }
        }
    }

    private void remount(String mode) {
        HostCommand.run("mount", "-o", "remount," + mode, host.dataDir().toString());
    }

}
