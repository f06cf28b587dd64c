package org.userspacecni.backend.ovs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.OvsSandbox;

/** The RFC 7047 client against a real ovsdb-server. */
class OvsdbClientTest {

    @TempDir
    static Path root;
    static OvsSandbox ovs;

    @BeforeAll
    static void start() {
        ovs = OvsSandbox.start(root);
    }

    @AfterAll
    static void stop() {
        ovs.close();
    }

    private OvsdbClient connect() {
        return OvsdbClient.connect(ovs.dbSocket(), Duration.ofSeconds(5));
    }

    @Test
    void echoesAndSelects() {
        try (OvsdbClient client = connect()) {
            assertThat(client.echo().get(0).asText()).isEqualTo("ping");
            ArrayNode result = client.transact(List.of(Ovsdb.select("Open_vSwitch", Ovsdb.all(), "next_cfg")));
            assertThat(result.get(0).path("rows").get(0).has("next_cfg")).isTrue();
        }
    }

    @Test
    void aFailedOperationAbortsTheTransactionAndIsThrown() {
        try (OvsdbClient client = connect()) {
            assertThatThrownBy(() -> client.transact(List.of(
                    Ovsdb.insert("Bridge", Ovsdb.row().put("name", "x").put("no_such_column", 1), "b"))))
                    .isInstanceOf(OvsdbTransactionException.class)
                    .hasMessageContaining("insert Bridge");
        }
    }

    @Test
    void monitorsDeliverTheInitialStateAndEveryUpdate() throws Exception {
        try (OvsdbClient client = connect(); OvsdbClient writer = connect()) {
            CompletableFuture<JsonNode> bumped = new CompletableFuture<>();
            long[] initial = {-1};
            client.monitor("Open_vSwitch", List.of("next_cfg"), updates -> updates.path("Open_vSwitch")
                    .forEach(row -> {
                        long value = row.path("new").path("next_cfg").asLong();
                        if (initial[0] < 0) {
                            initial[0] = value;
                        } else if (value > initial[0]) {
                            bumped.complete(row);
                        }
                    }));
            writer.transact(List.of(Ovsdb.mutate("Open_vSwitch", Ovsdb.all(), "next_cfg", "+=",
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.numberNode(1))));
            assertThat(bumped.get(10, TimeUnit.SECONDS).path("new").path("next_cfg").asLong())
                    .isEqualTo(initial[0] + 1);
        }
    }

    @Test
    void aServerThatIsNotThereIsATransientFailure() {
        assertThatThrownBy(() -> OvsdbClient.connect(root.resolve("nothing.sock"),
                Duration.ofSeconds(1)))
                .isInstanceOfSatisfying(OvsdbException.class, e -> assertThat(e.isTransient()).isTrue());
    }
}
