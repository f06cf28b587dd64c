package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * 200 attachments (64 standalone) made and then removed by 8 parallel workers on one bridge of a private
 * ovsdb-server, with the real host-local: after the ADDs, the switch's ports, the store, the journal and host-local's
 * leases name the same attachments, with distinct addresses, each the one its ADD reported; after the DELs the node
 * is exactly as before. The throughput of each phase is printed (measured here, judged in docs/reliability.md).
 */
class LoadIT {

    /**
     * Standalone, every command is a JVM of its own and the run is bound by their start (about three minutes for 200
     * on two slow cores): 64 still give each of the 8 workers eight rounds against the others.
     */
    static final int ATTACHMENTS = System.getProperty(CniInvocation.DAEMON_SOCKET_PROPERTY) == null ? 64 : 200;
    static final int WORKERS = 8;

    @TempDir
    Path root;
    OvsdbHost host;

    @BeforeEach
    void start() {
        host = new OvsdbHost(root);
    }

    @AfterEach
    void stop() {
        host.close();
    }

    @Test
    void manyAttachmentsByEightWorkersAgreeEverywhereAndLeaveNothing() throws Exception {
        HostState before = host.state();
        List<String> containers = IntStream.range(0, ATTACHMENTS).mapToObj(i -> String.format("load%08d", i))
                .collect(Collectors.toList());

        long start = System.nanoTime();
        Map<String, CniInvocation.Outcome> added = runAll(containers, "ADD");
        double addSeconds = (System.nanoTime() - start) / 1e9;

        Map<String, String> reported = new TreeMap<>();
        added.forEach((id, outcome) -> reported.put(id,
                outcome.json().path("ips").path(0).path("address").asText().replaceFirst("/.*", "")));
        assertThat(host.ports()).containsExactlyInAnyOrderElementsOf(
                containers.stream().map(id -> id + "-net1").collect(Collectors.toList()));
        assertThat(host.state().files().get(host.dataDir())).containsExactlyInAnyOrderElementsOf(
                containers.stream().flatMap(id -> Stream.of(id + "/net1.json",
                        AttachmentJournal.DIRECTORY + "/"
                        + AttachmentJournal.fileName("rel-net", new AttachmentId(id, "net1")))).collect(Collectors.toList()));
        assertThat(new TreeMap<>(leaseHolders())).isEqualTo(reported);
        assertThat(reported.values()).doesNotHaveDuplicates();

        start = System.nanoTime();
        runAll(containers, "DEL");
        double delSeconds = (System.nanoTime() - start) / 1e9;
        assertThat(host.state()).isEqualTo(before);

        System.out.printf("load: %d attachments by %d workers%s: ADD %.1f s (%.1f/s), DEL %.1f s (%.1f/s)%n",
                ATTACHMENTS, WORKERS, System.getProperty(CniInvocation.DAEMON_SOCKET_PROPERTY) == null ? ""
                        : " through the daemon", addSeconds, ATTACHMENTS / addSeconds, delSeconds,
                ATTACHMENTS / delSeconds);
    }

    /** Container id by leased address, from host-local's lease files (the address, holding the id). */
    private Map<String, String> leaseHolders() throws IOException {
        Map<String, String> holders = new TreeMap<>();
        for (String address : host.ipam.leases()) {
            Path lease = host.ipam.dataDir().resolve("rel-net").resolve(address);
            holders.put(Files.readAllLines(lease).get(0).strip(), address);
        }
        return holders;
    }

    /** Runs the command for every container, {@link #WORKERS} at a time; each must succeed. */
    private Map<String, CniInvocation.Outcome> runAll(List<String> containers, String command) {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        try {
            Map<String, CompletableFuture<CniInvocation.Outcome>> runs = new TreeMap<>();
            for (String id : containers) {
                runs.put(id, CompletableFuture.supplyAsync(() -> host.plugin(id).run(command, host.config(id)), pool));
            }
            Map<String, CniInvocation.Outcome> outcomes = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            runs.forEach((id, run) -> {
                CniInvocation.Outcome outcome = run.join();
                outcomes.put(id, outcome);
                if (outcome.exitCode() != 0) {
                    failures.add(command + " " + id + ": " + outcome.stdout() + outcome.stderr());
                }
            });
            assertThat(failures).isEmpty();
            return outcomes;
        } finally {
            pool.shutdown();
        }
    }
}
