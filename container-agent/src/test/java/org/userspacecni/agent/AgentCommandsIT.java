package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.DpdkRuntime;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.NetworkNamespace;
import org.userspacecni.testkit.OvsSandbox;

/**
 * The agent's commands against one attachment on a real host OVS-DPDK: {@code eal-args} starts a real
 * testpmd that connects ({@code status --sockets} sees its socket), and {@code doctor} passes on a good setup and names each broken one.
 */
class AgentCommandsIT {

    static final String CONTAINER_ID = "agentcmd0123456789";

    @TempDir
    static Path root;
    static OvsSandbox host;
    static NetworkNamespace netns;
    static CniInvocation plugin;
    static String config;

    @BeforeAll
    static void start() {
        host = OvsSandbox.start(root.resolve("host-ovs"));
        host.startVswitchd("usrsp-cmd");
        netns = NetworkNamespace.create();
        config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-cmd\",\"type\":\"userspace\",\"sharedDir\":\""
                + root.resolve("shared") + "\",\"dataDir\":\"" + root.resolve("data") + "\",\"host\":{"
                + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"options\":{\"ovsdbSocket\":\""
                + host.dbSocket() + "\"}},\"ipam\":" + HostLocalIpam.in(root.resolve("ipam")).section() + "}";
        plugin = new CniInvocation(Path.of(System.getProperty("userspace.plugin")))
                .env("CNI_CONTAINERID", CONTAINER_ID).env("CNI_NETNS", netns.path().toString())
                .env("CNI_IFNAME", "net1").env("CNI_PATH", HostLocalIpam.CNI_BIN.toString());
        CniInvocation.Outcome added = plugin.run("ADD", config);
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isZero();
    }

    @AfterAll
    static void stop() {
        if (plugin != null) {
            plugin.run("DEL", config);
            netns.close();
        }
        host.close();
    }

    static String[] agent(String... more) {
        List<String> args = new ArrayList<>(List.of("--data-dir", root.resolve("data").resolve(CONTAINER_ID).toString(),
                "--shared-dir", root.resolve("shared").toString(), "--state-dir", root.resolve("agent").toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void ealArgsStartATestpmdThatConnects() throws Exception {
        AgentProcess.Outcome eal = AgentProcess.run(agent("eal-args", "--vdevs-only"));
        assertThat(eal.exitCode()).as(eal.stderr()).isZero();
        String socket = root.resolve("shared").resolve(CONTAINER_ID.substring(0, 12) + "-net1").toString();
        assertThat(eal.stdout().strip()).startsWith("--vdev=net_virtio_user0,path=" + socket + ",server=1");
        AgentProcess.Outcome before = AgentProcess.run(agent("status", "--sockets"));
        assertThat(before.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +absent +" + CONTAINER_ID.substring(0,
                12) + "-net1$").contains("1 attachments, 0 up, 0 down, 1 absent, 0 unknown");
        assertThat(before.exitCode()).isEqualTo(1);

        String filePrefix = "usrsp-eal-" + UUID.randomUUID();
        List<String> command = new ArrayList<>(List.of("dpdk-testpmd", "-l", "0,1", "-m", "128", "--in-memory",
                "--single-file-segments", "--no-pci", "--file-prefix=" + filePrefix));
        command.addAll(List.of(eal.stdout().strip().split(" ")));
        command.addAll(List.of("--", "--forward-mode=txonly", "--stats-period=5"));
        Process testpmd = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(root.resolve("testpmd.log").toFile()).start();
        try {
            String port = CONTAINER_ID.substring(0, 12) + "-net1";
            host.vsctl("--timeout=60", "wait-until", "Interface", port, "status:status=connected");
            AgentProcess.Outcome after = AgentProcess.run(agent("status", "--sockets"));
            assertThat(after.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +up +" + port + "$");
            assertThat(after.exitCode()).isZero();
        } finally {
            testpmd.destroy();
            testpmd.waitFor();
            DpdkRuntime.remove(filePrefix);
        }
    }

    @Test
    void runOnceExitsNonZeroWhenAnAttachmentCannotBeApplied() {
        AgentProcess.Outcome once = AgentProcess.run(agent("--engine-option", "ovs-dpdk.ovsdbSocket=" + root.resolve("no-ovs.sock"), "run",
                "--once", "--timeout", "3"));
        assertThat(once.exitCode()).isEqualTo(1);
        assertThat(once.stderr()).contains("cannot apply " + CONTAINER_ID + "/net1")
                .contains("not every attachment came up within 3 s");
    }

    @Test
    void statusSaysWhatIsNotUpAndExitsNonZero() {
        AgentProcess.Outcome status = AgentProcess.run(agent("--engine-option", "ovs-dpdk.ovsdbSocket=" + host.dbSocket(), "status"));
        assertThat(status.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +absent +" + CONTAINER_ID.substring(0,
                12) + "-net1$");
        assertThat(status.exitCode()).isEqualTo(1);
        AgentProcess.Outcome json = AgentProcess.run(agent("--engine-option", "ovs-dpdk.ovsdbSocket=" + host.dbSocket(),
                "status", "--json"));
        assertThat(json.stdout()).contains("\"ifName\" : \"net1\"").contains("\"link\" : \"absent\"");
        assertThat(json.exitCode()).isEqualTo(1);
        AgentProcess.Outcome unreachable = AgentProcess.run(agent("--engine-option", "ovs-dpdk.ovsdbSocket="
                + root.resolve("no-ovs.sock"), "status"));
        assertThat(unreachable.stdout()).containsPattern("(?m)^\\S+ +net1 +ovs-dpdk +unknown +error ")
                .contains("0 up, 0 down, 0 absent, 1 unknown");
        assertThat(unreachable.exitCode()).isEqualTo(1);
    }

    @Test
    void doctorPassesOnAGoodSetup() {
        AgentProcess.Outcome doctor = AgentProcess.run(agent("--engine-option", "ovs-dpdk.ovsdbSocket=" + host.dbSocket(), "doctor",
                "--socket-mem", "64"));
        assertThat(doctor.exitCode()).as(doctor.stdout()).isZero();
        assertThat(doctor.stdout()).doesNotContain("FAIL");
    }

    @Test
    void doctorNamesAnOvsThatIsDown() {
        AgentProcess.Outcome doctor = AgentProcess.run(agent("--engine-option",
                "ovs-dpdk.ovsdbSocket=" + root.resolve("no-ovs.sock"), "doctor", "--socket-mem", "64"));
        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.stdout()).contains("FAIL  container datapath (ovs-dpdk): OVSDB is not reachable")
                .contains("fix: start the container's datapath, or tell the agent where it is: --engine-option"
                        + " ovs-dpdk.ovsdbSocket=...");
    }

    @Test
    void doctorNamesAMissingSharedDirectory() {
        AgentProcess.Outcome doctor = AgentProcess.run(List.of(), "--data-dir", root.resolve("data").toString(),
                "--shared-dir", root.resolve("not-mounted").toString(), "--engine-option", "ovs-dpdk.ovsdbSocket=" + host.dbSocket(),
                "doctor", "--socket-mem", "64");
        assertThat(doctor.exitCode()).isEqualTo(1);
        assertThat(doctor.stdout()).contains("FAIL  shared directory: " + root.resolve("not-mounted"));
    }

    @Test
    void doctorNamesAMissingHugetlbfsMount() {
        // A private mount namespace without hugetlbfs: the machine's mounts are left alone.
        AgentProcess.Outcome doctor = AgentProcess.run(List.of("unshare", "--mount", "--propagation", "private",
                "sh", "-c", "umount -a -t hugetlbfs && exec \"$0\" \"$@\""),
                agent("--engine-option", "ovs-dpdk.ovsdbSocket=" + host.dbSocket(), "doctor", "--json", "--socket-mem", "64"));
        assertThat(doctor.exitCode()).as(doctor.stderr()).isEqualTo(1);
        assertThat(doctor.stdout()).contains("{\"name\":\"hugetlbfs mounted\",\"ok\":false,\"found\":\"no hugetlbfs mount\"");
    }
}
