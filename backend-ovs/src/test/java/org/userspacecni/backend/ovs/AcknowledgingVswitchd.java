package org.userspacecni.backend.ovs;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for the one thing of ovs-vswitchd that STATUS asks of it, on an ovsdb-server without it: every
 * configuration number written to {@code next_cfg} is acknowledged in {@code cur_cfg}, as ovs-vswitchd does
 * once it has applied the database. Closed, it acknowledges nothing more, as a dead switch.
 */
final class AcknowledgingVswitchd implements AutoCloseable {

    private final OvsdbClient client;
    // The monitor's updates arrive on the client's reader thread, which must not wait for its own answers.
    private final ExecutorService acknowledger = Executors.newSingleThreadExecutor();

    AcknowledgingVswitchd(Path dbSocket) {
        client = OvsdbClient.connect(dbSocket, Duration.ofSeconds(10));
        client.monitor("Open_vSwitch", List.of("next_cfg"), updates -> updates.path("Open_vSwitch")
                .forEach(row -> {
                    long nextCfg = row.path("new").path("next_cfg").asLong(-1);
                    if (nextCfg >= 0) {
                        acknowledger.execute(() -> acknowledge(nextCfg));
                    }
                }));
    }

    private void acknowledge(long nextCfg) {
        ObjectNode update = Ovsdb.row().put("op", "update").put("table", "Open_vSwitch");
        update.set("where", Ovsdb.all());
        update.set("row", Ovsdb.row().put("cur_cfg", nextCfg));
        client.transact(List.of(update));
    }

    @Override
    public void close() {
        client.close();
        acknowledger.shutdownNow();
        try {
            acknowledger.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
