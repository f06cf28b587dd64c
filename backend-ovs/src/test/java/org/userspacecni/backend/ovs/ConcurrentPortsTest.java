package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PortName;

/**
 * Writers that share a bridge never lose each other's ports: 16 ADDs at once on a bridge none of them finds
 * (each races to create it), then 16 DELs at once (each may be the one that empties it). No lock of the
 * plugin is held here: only OVSDB's atomic transactions, {@code mutate} and {@code wait}.
 */
class ConcurrentPortsTest {

    static final int WRITERS = 16;

    @TempDir
    Path root;
    OvsFixture fixture;

    @BeforeEach
    void start() {
        fixture = new OvsFixture(root);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void concurrentAddsThenConcurrentDelsOnOneBridge() throws Exception {
        NetConf conf = fixture.netConf("net-par", "\"bridge\":{\"bridgeName\":\"br-par\"}");
        List<Attachment> attachments = IntStream.range(0, WRITERS)
                .mapToObj(i -> fixture.attachment(String.format("par%09d", i), "net1", conf))
                .collect(Collectors.toList());

        runAll(attachments, a -> fixture.host.add(a));
        assertThat(fixture.list("list-ports", "br-par").lines().sorted().collect(Collectors.toList()))
                .isEqualTo(attachments.stream().map(a -> PortName.original(a.id())).sorted().collect(Collectors.toList()));

        runAll(attachments, a -> {
            fixture.host.delete(a);
            return null;
        });
        assertThat(fixture.list("list-br")).doesNotContain("br-par");
        assertThat(fixture.list("list", "Port")).isEmpty();
        assertThat(fixture.list("list", "Interface")).isEmpty();
    }

    private interface Action {
        Object run(Attachment attachment) throws Exception;
    }

    private static void runAll(List<Attachment> attachments, Action action) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (Attachment a : attachments) {
                results.add(pool.submit((Callable<Object>) () -> action.run(a)));
            }
            for (Future<Object> result : results) {
                result.get();
            }
        } finally {
            pool.shutdown();
        }
    }
}
