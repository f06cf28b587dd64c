package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;

/**
 * Oversized input to the built plugin, its JVM held to a 64 MB heap: a 100 MB stdin is refused with code 6
 * naming the limit, creates nothing and leaves the plugin (or its daemon) answering the next request; a
 * configuration with 10,000 IPAM routes goes through the real host-local plugin, its result carries every
 * route, and DEL leaves no lease.
 */
class OversizedInputIT {

    static final String SMALL_HEAP = "-Xmx64m";
    static final int ROUTES = 10_000;

    @TempDir
    Path root;
    PluginFixture fixture;

    @BeforeEach
    void start() {
        fixture = new PluginFixture(root);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    CniInvocation plugin() {
        return fixture.attachment("b16b00b50001", "net1").env("USERSPACE_CNI_JAVA_OPTS", SMALL_HEAP);
    }

    @Test
    void aHundredMegabyteStdinIsCodeSixNamingTheLimitAndCreatesNothing() throws IOException {
        byte[] stdin = new byte[100 * 1024 * 1024];
        byte[] start = fixture.config("1.0.0", ",\"padding\":\"").getBytes(StandardCharsets.UTF_8);
        Arrays.fill(stdin, (byte) 'x');
        System.arraycopy(start, 0, stdin, 0, start.length - 1);

        CniInvocation.Outcome outcome = plugin().run("ADD", stdin);

        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isEqualTo(1);
        assertThat(outcome.stdout().strip().lines()).hasSize(1);
        assertThat(outcome.json().path("code").asInt()).isEqualTo(6);
        assertThat(outcome.json().path("msg").asText()).contains(String.valueOf(Main.MAX_CONFIG_BYTES));
        try (Stream<Path> created = Files.list(root)) {
            assertThat(created).isEmpty();
        }
        // The plugin, or the daemon it was forwarded to, still answers.
        CniInvocation.Outcome next = plugin().run("DEL", fixture.config("1.0.0", ""));
        assertThat(next.exitCode()).as(next.stdout() + next.stderr()).isZero();
    }

    @Test
    void tenThousandRoutesGoThroughHostLocalIntoTheResultAndDelLeavesNoLease() {
        String routes = IntStream.range(0, ROUTES)
                .mapToObj(i -> "{\"dst\":\"10." + (i / 256) + "." + (i % 256) + ".0/24\",\"gw\":\"10.56.217.1\"}")
                .collect(Collectors.joining(",", "\"routes\":[", "]"));
        String config = fixture.config("1.0.0", "").replace("\"routes\":[{\"dst\":\"0.0.0.0/0\"}]", routes);
        assertThat(config).contains("10.39.15.0/24");

        CniInvocation.Outcome add = plugin().run("ADD", config);
        assertThat(add.exitCode()).as(add.stderr()).isZero();
        JsonNode result = add.json();
        assertThat(result.path("routes")).hasSize(ROUTES);
        assertThat(result.path("routes").get(ROUTES - 1).path("dst").asText()).isEqualTo("10.39.15.0/24");
        assertThat(fixture.ipam.leases()).hasSize(1);

        CniInvocation.Outcome del = plugin().run("DEL", config);
        assertThat(del.exitCode()).as(del.stdout() + del.stderr()).isZero();
        assertThat(fixture.ipam.leases()).isEmpty();
    }
}
