package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.userspacecni.agent.InProcessAgent.agentOn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.VhostMode;

/**
 * {@code usrsp-agent eal-args} prints the core and memory arguments that fit the container, then the vdevs;
 * {@code --vdevs-only} the vdevs alone, as it did before; a hugepage limit that cannot hold the memory is exit 1
 * saying so, a malformed or out-of-range flag bad usage.
 */
class EalArgsCommandTest {

    @TempDir
    Path dir;
    KernelFiles kernel;
    PodInfoVolume podinfo;
    String vdev;

    @BeforeEach
    void podWithOneAttachment() {
        kernel = new KernelFiles(dir.resolve("root")).cgroupV2("/", "4-7", "0-1", "max").hostname("dpdk-app");
        Path mapped = dir.resolve("usrspcni");
        podinfo = new PodInfoVolume(dir.resolve("podinfo"));
        podinfo.project(Optional.of(mapped), PodAnnotationsCommandsTest.vhostUser("net1", VhostMode.SERVER,
                "02:00:00:00:00:01"));
        vdev = "--vdev=net_virtio_user0,path=" + mapped.resolve("0123456789ab-net1")
                + ",server=1,queues=1,queue_size=1024,mac=02:00:00:00:00:01";
    }

    InProcessAgent.Outcome ealArgs(String... flags) {
        String[] args = new String[flags.length + 3];
        args[0] = "--podinfo";
        args[1] = podinfo.file().toString();
        args[2] = "eal-args";
        System.arraycopy(flags, 0, args, 3, flags.length);
        return agentOn(kernel.root(), args);
    }

    @Test
    void coresMemoryAndFilePrefixComeBeforeTheVdevs() {
        InProcessAgent.Outcome eal = ealArgs();
        assertThat(eal.exitCode()).as(eal.stderr()).isZero();
        assertThat(eal.stdout()).isEqualTo("-l 4-5 -m 256 --file-prefix=usrsp-dpdk-app " + vdev + "\n");
    }

    @Test
    void theNumaNodeOptionPutsTheMemoryOnTheNode() {
        assertThat(ealArgs("--numa-node", "1", "--cores", "3", "--socket-mem", "512").stdout())
                .isEqualTo("-l 4-6 --socket-mem=0,512 --file-prefix=usrsp-dpdk-app " + vdev + "\n");
        assertThat(ealArgs("--cpus", "6-7", "--socket-mem", "128").stdout()).startsWith("-l 6-7 -m 128 ");
    }

    @Test
    void vdevsOnlyIsTheOutputOfBefore() {
        assertThat(ealArgs("--vdevs-only").stdout()).isEqualTo(vdev + "\n");
    }

    /** The kubelet projects limits.hugepages-2Mi as bytes when the pod's volume asks for it. */
    @Test
    void aHugepageLimitTooLowIsExitOneWithTheLimitAndTheFix() throws Exception {
        Files.writeString(dir.resolve("podinfo/hugepages-2Mi"), "134217728");
        InProcessAgent.Outcome eal = ealArgs();
        assertThat(eal.exitCode()).isEqualTo(1);
        assertThat(eal.stdout()).isEmpty();
        assertThat(eal.stderr()).isEqualTo("usrsp-agent: hugepage limit: socket memory 256 MB, hugepage limit 128 MB ("
                + dir.resolve("podinfo/hugepages-2Mi") + "); raise the container's hugepages to at least 256 MB (in"
                + " Kubernetes: resources.limits.hugepages-2Mi: 256Mi), or lower --socket-mem\n");
        assertThat(ealArgs("--socket-mem", "128").exitCode()).isZero();
        assertThat(ealArgs("--vdevs-only").exitCode()).as("the caller gives its own memory").isZero();
    }

    @Test
    void aMalformedOrOutOfRangeFlagIsBadUsage() {
        InProcessAgent.Outcome list = ealArgs("--cpus", "0-x");
        assertThat(list.exitCode()).isEqualTo(2);
        assertThat(list.stderr()).contains("'0-x' is not a list such as 0-3,8,10-11")
                .contains("Usage: usrsp-agent eal-args ");
        InProcessAgent.Outcome cores = ealArgs("--cores", "0");
        assertThat(cores.exitCode()).isEqualTo(2);
        assertThat(cores.stderr()).startsWith("usrsp-agent eal-args: --cores takes 1 or more, not 0")
                .contains("Usage: usrsp-agent eal-args ");
        InProcessAgent.Outcome both = ealArgs("--cores", "2", "--cpus", "4-5");
        assertThat(both.exitCode()).isEqualTo(2);
        assertThat(both.stderr()).contains("--cores and --cpus both say how many lcores; give one");
        assertThat(ealArgs("--numa-node", "-1").stderr()).contains("--numa-node takes 0 or more, not -1");
    }
}
