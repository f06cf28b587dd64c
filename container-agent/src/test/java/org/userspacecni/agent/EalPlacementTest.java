package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.MemifConfig;

/**
 * The EAL core and memory arguments fit the container: cores of its cpuset, socket memory on the port's NUMA
 * node when the node is known and the cpuset's mems allow it, within its hugepage limit, a file prefix of its
 * own, {@code --in-memory} without a hugetlbfs mount; what DPDK would fail on is refused with the fix.
 */
class EalPlacementTest {

    @TempDir
    Path dir;

    KernelFiles kernel;

    @BeforeEach
    void kernel() {
        kernel = new KernelFiles(dir.resolve("root"));
    }

    String args(EalRequest request) {
        return String.join(" ", new EalPlacement(kernel.read(dir.resolve("podinfo")), request).args());
    }

    static EalRequest request(int cores, long socketMemMb, Integer node) {
        return new EalRequest(cores, Optional.empty(), socketMemMb, Optional.ofNullable(node), false);
    }

    @Test
    void byDefaultTwoCoresOfTheCpusetAndMemoryFromAnyNode() {
        kernel.cgroupV2("/", "4-7", "0-1", "max");
        assertThat(args(EalRequest.defaults())).isEqualTo("-l 4-5 -m 256 --file-prefix=usrsp-pod-a");
    }

    @Test
    void theNodeTheHostRecordedServesWhereNoneIsGivenAndAGivenOneWins() {
        kernel.cgroupV2("/", "4-7", "0-1", "max");
        List<ContainerConfig> stored = List.of(EalArgsTest.memif(MemifConfig.EMPTY), recorded(1));
        assertThat(args(EalRequest.defaults().withRecordedNode(stored))).contains("--socket-mem=0,256 ");
        assertThat(args(request(2, 256, 0).withRecordedNode(stored))).contains("--socket-mem=256 ");
        assertThat(args(EalRequest.defaults().withRecordedNode(List.of()))).contains("-m 256 ");
    }

    private static ContainerConfig recorded(int node) {
        ContainerConfig config = EalArgsTest.memif(MemifConfig.EMPTY);
        return new ContainerConfig(config.schemaVersion(), config.containerId(), "net2", config.name(),
                config.config(), config.ipResult(), config.socket(), config.mac(), config.mtu(), config.vlan(),
                Optional.of(node));
    }

    @Test
    void theSocketMemoryGoesToThePortsNode() {
        kernel.cgroupV2("/", "4-7", "0-1", "max");
        assertThat(args(request(3, 512, 1))).isEqualTo("-l 4-6 --socket-mem=0,512 --file-prefix=usrsp-pod-a");
        assertThat(args(request(2, 256, 0))).contains("--socket-mem=256 ");
    }

    @Test
    void aNodeOutsideTheCpusetsMemsTakesMemoryFromAnyNode() {
        kernel.cgroupV1("/docker/c0ffee", "0-3", "0", KernelFiles.V1_NO_LIMIT);
        assertThat(args(request(2, 256, 1))).contains(" -m 256 ").doesNotContain("--socket-mem");
    }

    @Test
    void fewerCpusThanLcoresShareThem() {
        kernel.cgroupV2("/", "3", "0", "max");
        assertThat(args(EalRequest.defaults())).startsWith("--lcores=(0-1)@3 -m 256");
        kernel.cgroupV2("/", "3,5", "0", "max");
        assertThat(args(request(4, 256, null))).startsWith("--lcores=(0-3)@(3,5) ");
    }

    @Test
    void theCpusAskedForAreTakenWhenInTheCpuset() {
        kernel.cgroupV2("/", "2-5", "0", "max");
        EalRequest cpus = new EalRequest(2, Optional.of(KernelList.parse("3,5")), 256, Optional.empty(), false);
        assertThat(args(cpus)).startsWith("-l 3,5 ");
    }

    @Test
    void cpusOutsideTheCpusetAreRefusedNamingTheOnesToUse() {
        kernel.cgroupV2("/", "2-5", "0", "max");
        EalRequest cpus = new EalRequest(2, Optional.of(KernelList.parse("0-1")), 256, Optional.empty(), false);
        assertThatThrownBy(() -> args(cpus)).isInstanceOf(CniException.class)
                .hasMessageStartingWith("cpus in the cpuset: 0-1 outside 2-5 (")
                .hasMessageEndingWith("; start DPDK on CPUs of the cpuset: -l 2-3, which eal-args chooses when not"
                        + " given --cpus");
    }

    @Test
    void socketMemoryOverTheHugepageLimitIsRefusedNamingTheLimitAndTheFix() {
        kernel.cgroupV2("/", "0-3", "0", "134217728");
        Path limit = kernel.root().resolve("sys/fs/cgroup/hugetlb.2MB.max");
        assertThatThrownBy(() -> args(EalRequest.defaults())).isInstanceOf(CniException.class)
                .hasMessage("hugepage limit: socket memory 256 MB, hugepage limit 128 MB (" + limit + "); raise the"
                        + " container's hugepages to at least 256 MB (in Kubernetes: resources.limits.hugepages-2Mi:"
                        + " 256Mi), or lower --socket-mem");
        assertThat(args(request(2, 128, null))).contains("-m 128");
    }

    /** Kubernetes gives a pod that asks for no hugepages a limit of 0. */
    @Test
    void aZeroLimitInV1IsALimit() {
        kernel.cgroupV1("/kubepods/besteffort/pod0a1b/c0ffee", "0-3", "0", "0");
        assertThatThrownBy(() -> args(EalRequest.defaults())).hasMessageContaining("hugepage limit 0 MB");
    }

    @Test
    void withoutAHugetlbfsMountDpdkRunsInMemory() {
        kernel.cgroupV2("/", "0-3", "0", "max").mounts();
        assertThat(args(EalRequest.defaults())).endsWith("--file-prefix=usrsp-pod-a --in-memory");
        kernel.mounts("none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0");
        assertThat(args(new EalRequest(2, Optional.empty(), 256, Optional.empty(), true))).endsWith(" --in-memory");
    }

    @Test
    void theFilePrefixIsTheContainersHostNameInLettersDpdkTakes() {
        kernel.cgroupV2("/", "0-3", "0", "max").hostname("c0ffee0123ab");
        assertThat(args(EalRequest.defaults())).contains("--file-prefix=usrsp-c0ffee0123ab");
        kernel.hostname("odd name/x");
        assertThat(args(EalRequest.defaults())).contains("--file-prefix=usrsp-odd-name-x");
    }
}
