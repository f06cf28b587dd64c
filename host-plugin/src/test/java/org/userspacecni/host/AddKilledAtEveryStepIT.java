package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.userspacecni.host.HoldPoints.Step;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostState;

/**
 * The plugin SIGKILLed at every step of ADD (held there by {@link HoldPoints}), against a private ovsdb-server
 * and the real host-local: whatever the ADD had made, the runtime's next DEL, or a GC that keeps nothing,
 * leaves the node exactly as it was before the ADD (switch rows, sockets, store entries and journal,
 * device-info, leases), and the same ADD then works.
 */
@Tag(DaemonMode.KILLS_PLUGIN_PROCESS)
class AddKilledAtEveryStepIT {

    static final String CONTAINER = "crash0000001";

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

    static Stream<Arguments> stepsAndCleanups() {
        return Stream.of(Step.values()).flatMap(step -> Stream.of(Arguments.of(step, "DEL"), Arguments.of(step, "GC")));
    }

    @ParameterizedTest(name = "killed at {0}, then {1}")
    @MethodSource("stepsAndCleanups")
    void theNextDelOrGcLeavesTheNodeAsItWas(Step step, String cleanup) {
        HostState before = host.state();

        CniInvocation.Running add = host.plugin(CONTAINER).env(HoldPoints.VARIABLE, step.wireName())
                .start("ADD", host.config(CONTAINER));
        add.awaitStderrLine("holding at " + step.wireName(), Duration.ofSeconds(60));
        add.kill();

        CniInvocation.Outcome cleaned = cleanup.equals("DEL")
                ? host.plugin(CONTAINER).run("DEL", host.config(CONTAINER))
                : host.plugin(CONTAINER).run("GC", host.gcConfig("rel-net"));
        assertThat(cleaned.exitCode()).as(cleaned.stdout() + cleaned.stderr()).isZero();
        assertThat(host.state()).isEqualTo(before);

        CniInvocation.Outcome added = host.plugin(CONTAINER).run("ADD", host.config(CONTAINER));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(host.ports()).containsExactly(CONTAINER + "-net1");
        assertThat(host.plugin(CONTAINER).run("DEL", host.config(CONTAINER)).exitCode()).isZero();
        assertThat(host.state()).isEqualTo(before);
    }
}
