package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container's cpuset and hugepage limit are read from its own cgroup as {@code /proc/self/cgroup} names it,
 * v1 or v2, with {@code /proc/self/status} when no cgroup shows them, and from the Downward API when the pod
 * projects its hugepage limit; the kernel's "no limit" is none.
 */
class ContainerResourcesTest {

    static final String POD_CGROUP = "/kubepods.slice/kubepods-pod0a1b.slice/cri-containerd-c0ffee.scope";

    @TempDir
    Path dir;

    KernelFiles kernel;
    Path podinfo;

    @BeforeEach
    void kernel() {
        kernel = new KernelFiles(dir.resolve("root"));
        podinfo = dir.resolve("podinfo");
    }

    @Test
    void cgroupV2GivesTheEffectiveCpusetAndTheHugetlbMax() {
        ContainerResources read = kernel.cgroupV2(POD_CGROUP, "2-5", "1", "268435456").read(podinfo);
        assertThat(read.cpus()).hasToString("2-5");
        assertThat(read.mems()).hasToString("1");
        assertThat(read.cpusFrom()).isEqualTo(kernel.root().resolve("sys/fs/cgroup" + POD_CGROUP
                + "/cpuset.cpus.effective").toString());
        assertThat(read.hugepageLimit()).hasValueSatisfying(limit -> {
            assertThat(limit.megabytes()).isEqualTo(256);
            assertThat(limit.from()).hasFileName("hugetlb.2MB.max");
        });
    }

    @Test
    void maxIsNoLimitInV2() {
        assertThat(kernel.cgroupV2("/", "0-3", "0", "max").read(podinfo).hugepageLimit()).isEmpty();
    }

    /** In its own cgroup namespace a container's cgroup is "/", the root of what it sees in /sys/fs/cgroup. */
    @Test
    void inItsOwnCgroupNamespaceTheRootIsTheContainersCgroup() {
        ContainerResources read = kernel.cgroupV2("/", "6-7", "0", "134217728").read(podinfo);
        assertThat(read.cpus()).hasToString("6-7");
        assertThat(read.hugepageLimit().orElseThrow().megabytes()).isEqualTo(128);
    }

    @Test
    void cgroupV1GivesTheCpusetAndHugetlbHierarchies() {
        ContainerResources read = kernel.cgroupV1("/docker/c0ffee", "0-1,4", "0", "536870912").read(podinfo);
        assertThat(read.cpus()).hasToString("0-1,4");
        assertThat(read.cpusFrom()).endsWith("sys/fs/cgroup/cpuset/docker/c0ffee/cpuset.effective_cpus");
        assertThat(read.hugepageLimit().orElseThrow().megabytes()).isEqualTo(512);
        assertThat(read.hugepageLimit().orElseThrow().from()).hasFileName("hugetlb.2MB.limit_in_bytes");
    }

    @Test
    void theLargestLongInPagesIsNoLimitInV1() {
        assertThat(kernel.cgroupV1("/docker/c0ffee", "0-3", "0", KernelFiles.V1_NO_LIMIT).read(podinfo)
                .hugepageLimit()).isEmpty();
    }

    @Test
    void aV1CpusetWithoutEffectiveCpusIsReadFromItsCpus() {
        kernel.cgroupV1("/docker/c0ffee", "3", "0", KernelFiles.V1_NO_LIMIT)
                .without("sys/fs/cgroup/cpuset/docker/c0ffee/cpuset.effective_cpus");
        assertThat(kernel.read(podinfo).cpusFrom()).endsWith("/cpuset.cpus");
        assertThat(kernel.read(podinfo).cpus()).hasToString("3");
    }

    /** Docker on v1 without a cgroup namespace mounts the container's own cgroup at the hierarchy's root. */
    @Test
    void aCgroupPathNotThereIsTheHierarchysRoot() throws Exception {
        kernel.cgroupV1("/", "5", "0", KernelFiles.V1_NO_LIMIT);
        Files.writeString(kernel.root().resolve("proc/self/cgroup"), "3:cpuset:/docker/c0ffee\n");
        assertThat(kernel.read(podinfo).cpus()).hasToString("5");
    }

    @Test
    void withoutACgroupFileTheProcessStatusSays() {
        ContainerResources read = kernel.status("0-15", "0-1").read(podinfo);
        assertThat(read.cpus()).hasToString("0-15");
        assertThat(read.mems()).hasToString("0-1");
        assertThat(read.cpusFrom()).endsWith("proc/self/status Cpus_allowed_list");
        assertThat(read.hugepageLimit()).isEmpty();
    }

    /** cgroup v2 without the cpuset controller enabled for the container's cgroup has no cpuset files. */
    @Test
    void aV2CgroupWithoutTheCpusetControllerFallsBackToTheStatus() {
        kernel.cgroupV2(POD_CGROUP, "2-5", "0", "max").status("0-3", "0")
                .without("sys/fs/cgroup" + POD_CGROUP + "/cpuset.cpus.effective");
        assertThat(kernel.read(podinfo).cpus()).hasToString("0-3");
    }

    /** A resourceFieldRef of limits.hugepages-2Mi, divisor 1, as the kubelet projects it: bytes. */
    @Test
    void theDownwardApiHugepageLimitCountsWhenItIsLower() throws Exception {
        kernel.cgroupV2("/", "0-3", "0", "max");
        Files.createDirectories(podinfo);
        Files.writeString(podinfo.resolve("hugepages-2Mi"), "268435456");
        assertThat(kernel.read(podinfo).hugepageLimit()).hasValueSatisfying(limit -> {
            assertThat(limit.megabytes()).isEqualTo(256);
            assertThat(limit.from()).isEqualTo(podinfo.resolve("hugepages-2Mi"));
        });
        kernel.cgroupV2("/", "0-3", "0", "134217728");
        assertThat(kernel.read(podinfo).hugepageLimit().orElseThrow().from()).hasFileName("hugetlb.2MB.max");
    }

    @Test
    void theMachinesHugepagesAndEachNodesFreeOnesAreRead() {
        ContainerResources read = kernel.meminfo(1024, 600, 2048).node(0, 100).node(1, 500)
                .mounts("hugetlbfs /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0").hostname("dpdk-app-7f9c")
                .read(podinfo);
        assertThat(read.hugepagesTotal()).isEqualTo(1024);
        assertThat(read.hugepagesFree()).isEqualTo(600);
        assertThat(read.hugepageKb()).isEqualTo(2048);
        assertThat(read.freeHugepagesByNode()).containsEntry(0, 100L).containsEntry(1, 500L);
        assertThat(read.hugetlbfsMounts()).containsExactly("/dev/hugepages");
        assertThat(read.hostname()).isEqualTo("dpdk-app-7f9c");
        assertThat(read.hugepageResource()).isEqualTo("hugepages-2Mi");
    }

    @Test
    void gigabytePagesAreLimitedByTheirOwnFiles() {
        kernel.cgroupV2("/", "0-3", "0", "134217728").meminfo(4, 4, 1048576);
        ContainerResources read = kernel.read(podinfo);
        assertThat(read.hugepageResource()).isEqualTo("hugepages-1Gi");
        assertThat(read.hugepageLimit()).as("hugetlb.1GB.max is max").isEmpty();
    }
}
