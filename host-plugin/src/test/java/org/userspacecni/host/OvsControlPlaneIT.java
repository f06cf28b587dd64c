package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The built plugin against a private ovsdb-server (no ovs-vswitchd, so it is told not to wait for one):
 * concurrent plugin processes on one bridge, and a database that dies and comes back.
 */
class OvsControlPlaneIT {

    static final int CONTAINERS = 16;

    @TempDir
    Path root;
    OvsSandbox ovs;
    NetworkNamespace netns;
    HostLocalIpam ipam;

    @BeforeEach
    void start() {
        ovs = OvsSandbox.start(root.resolve("ovs"));
        netns = NetworkNamespace.create();
        ipam = HostLocalIpam.in(root.resolve("ipam"));
    }

    @AfterEach
    void stop() {
        netns.close();
        ovs.close();
    }

    String config() {
        return "{\"cniVersion\":\"1.0.0\",\"name\":\"ovs-cp\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"bridge\":{\"bridgeName\":\"br-cp\"},"
                + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\",\"waitForVswitchd\":\"false\"}},"
                + "\"ipam\":" + ipam.section() + "}";
    }

    CniInvocation plugin(String containerId) {

        return PluginFixture.invocation(containerId, netns);

    }

    @Test
    void sixteenConcurrentAddsThenSixteenConcurrentDels() {
        List<String> containers = IntStream.range(0, CONTAINERS).mapToObj(i -> String.format("conc%08d", i))
                .collect(Collectors.toList());

        runAll(containers, "ADD");
        assertThat(ports()).containsExactlyInAnyOrderElementsOf(
                containers.stream().map(id -> id + "-net1").collect(Collectors.toList()));
        assertThat(ipam.leases()).hasSize(CONTAINERS).doesNotHaveDuplicates();

        runAll(containers, "DEL");
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
        assertThat(ovs.vsctl("list", "Interface").strip()).isEmpty();
        assertThat(ipam.leases()).isEmpty();
    }

    @Test
    void aDeadDatabaseIsTryAgainLaterWithNothingCreatedAndAddWorksOnceItIsBack() throws Exception {
        ovs.stopDatabase(true);
        CniInvocation.Outcome refused = plugin("dead00000001").run("ADD", config());
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.json().path("code").asInt()).isEqualTo(11);
        assertThat(ipam.leases()).isEmpty();
        assertThat(root.resolve("shared")).doesNotExist();

        ovs.startDatabase();
        CniInvocation.Outcome added = plugin("dead00000001").run("ADD", config());
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
        assertThat(ports()).containsExactly("dead00000001-net1");

        ovs.stopDatabase(true);
        CniInvocation.Outcome delRefused = plugin("dead00000001").run("DEL", config());
        assertThat(delRefused.json().path("code").asInt()).isEqualTo(11);
        ovs.startDatabase();
        assertThat(plugin("dead00000001").run("DEL", config()).exitCode()).isZero();
        assertThat(ovs.vsctl("list-br").strip()).isEmpty();
        assertThat(ipam.leases()).isEmpty();
        assertThat(Files.exists(root.resolve("shared/dead00000001-net1"))).isFalse();
    }

    private List<String> ports() {
        return ovs.vsctl("list-ports", "br-cp").strip().lines().collect(Collectors.toList());
    }

    /** Runs the command for every container at once, each in a plugin process of its own. */
    private void runAll(List<String> containers, String command) {
        ExecutorService pool = Executors.newFixedThreadPool(containers.size());
        try {
            List<CompletableFuture<CniInvocation.Outcome>> runs = new ArrayList<>();
            for (String id : containers) {
                runs.add(CompletableFuture.supplyAsync(() -> plugin(id).run(command, config()), pool));
            }
            for (CompletableFuture<CniInvocation.Outcome> run : runs) {
                CniInvocation.Outcome outcome = run.join();
                assertThat(outcome.exitCode()).as(command + ": " + outcome.stdout() + outcome.stderr()).isZero();
            }
        } finally {
            pool.shutdown();
        }
    }
}
