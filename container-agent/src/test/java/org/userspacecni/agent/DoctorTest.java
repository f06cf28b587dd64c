package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.VhostMode;

/**
 * The hugepage checks read the kernel's {@code meminfo} and {@code mounts}, the cpuset and hugepage limit ones the
 * container's cgroup. Taking the machine's hugepages away would disturb every DPDK process on it, so these cases
 * give the checks the kernel's files as a host without hugepages, or a container whose cgroup does not fit, would
 * show them; the other cases run against real setups in {@link AgentCommandsIT}.
 */
class DoctorTest {

    @TempDir
    Path dir;

    KernelFiles kernel;

    @BeforeEach
    void kernel() {
        kernel = new KernelFiles(dir.resolve("root"));
    }

    @Test
    void noHugepagesReservedIsTheSeedsPanicDiagnosedWithItsFix() throws Exception {
        List<Doctor.Check> checks = doctor("HugePages_Total:       0\nHugePages_Free:        0\nHugepagesize:       2048 kB\n",
                "none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n");
        assertThat(Doctor.passed(checks)).isFalse();
        assertThat(Doctor.text(checks)).contains("FAIL  hugepages reserved: 0 pages of 2048 kB")
                .contains("fix: on the host: echo 1024 > /proc/sys/vm/nr_hugepages");
    }

    @Test
    void tooFewFreePagesForTheSocketMemoryAreNamed() throws Exception {
        List<Doctor.Check> checks = doctor("HugePages_Total:     512\nHugePages_Free:       64\nHugepagesize:       2048 kB\n",
                "none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0\n");
        assertThat(Doctor.text(checks)).contains("ok    hugepages reserved: 512 pages")
                .contains("FAIL  hugepages free for the socket memory: 64 free pages = 128 MB, socket memory 256 MB")
                .contains("ok    hugetlbfs mounted: /dev/hugepages");
    }

    @Test
    void beforeStartLeavesOutTheContainersOvsAndInMemoryNeedsNoHugetlbfs() throws Exception {
        List<Doctor.Check> checks = doctor("HugePages_Total:     512\nHugePages_Free:      512\nHugepagesize:       2048 kB\n",
                "", "--before-start", "--in-memory");
        assertThat(checks).extracting(Doctor.Check::name).doesNotContain("container datapath (ovs-dpdk)");
        assertThat(Doctor.text(checks)).contains("ok    hugetlbfs mounted: no hugetlbfs mount (not needed: DPDK runs --in-memory)");
        assertThat(Doctor.passed(checks)).isTrue();
    }

    /** A VPP on ordinary pages (the image built from a VPP tarball) runs on a host without hugepages. */
    @Test
    void noHugepagesNeedsNoneReservedNorMounted() throws Exception {
        String none = "HugePages_Total:       0\nHugePages_Free:        0\nHugepagesize:       2048 kB\n";
        List<Doctor.Check> checks = doctor(none, "", "--before-start", "--no-hugepages");
        assertThat(Doctor.text(checks)).contains("ok    hugepages: not needed: the datapath takes ordinary pages")
                .doesNotContain("hugepages reserved").doesNotContain("hugetlbfs");
        assertThat(Doctor.passed(checks)).isTrue();
        assertThat(Doctor.passed(doctor(none, "", "--before-start"))).as("without the flag").isFalse();
    }

    @Test
    void underKubernetesThePodAnnotationsAndTheMappedSharedDirectoryAreChecked() throws Exception {
        PodInfoVolume podinfo = new PodInfoVolume(dir.resolve("podinfo"));
        Path mapped = dir.resolve("usrspcni");
        podinfo.project(Optional.of(mapped), PodAnnotationsCommandsTest.vhostUser("net1", VhostMode.CLIENT,
                "02:00:00:00:00:01"));
        String pages = "HugePages_Total:     512\nHugePages_Free:      512\nHugepagesize:       2048 kB\n";
        List<String> kubernetes = List.of("--podinfo", podinfo.file().toString(), "doctor", "--before-start",
                "--in-memory");
        assertThat(Doctor.text(doctor(pages, "", kubernetes)))
                .contains("ok    pod annotations: " + podinfo.file() + " has userspace/configuration-data")
                .contains("FAIL  shared directory: " + mapped + " is missing or unreadable")
                .contains("FAIL  socket of net1: " + mapped.resolve("0123456789ab-net1") + " is missing");

        podinfo.project(Optional.empty());
        assertThat(Doctor.text(doctor(pages, "", kubernetes)))
                .contains("FAIL  pod annotations: " + podinfo.file() + " has no userspace/configuration-data\n"
                        + "      fix: the host plugin writes it on ADD");

        podinfo.write("userspace/configuration-data=[]");
        assertThat(Doctor.text(doctor(pages, "", kubernetes))).contains("FAIL  pod annotations: " + podinfo.file()
                + " line 1: the value of 'userspace/configuration-data' does not start with a double quote");

        List<String> notMounted = List.of("--podinfo", dir.resolve("nowhere/annotations").toString(), "doctor");
        assertThat(Doctor.text(doctor(pages, "", notMounted))).contains("FAIL  pod annotations: "
                + dir.resolve("nowhere/annotations")
                + " is missing or unreadable\n      fix: mount a downwardAPI volume");
    }

    @Test
    void cpusAskedForOutsideTheCpusetAreOneLineWithTheCpusToUse() {
        kernel.cgroupV2("/", "4-7", "0", "max");
        String text = Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--cpus", "0-1")));
        assertThat(text).contains("FAIL  cpus in the cpuset: 0-1 outside 4-7 (" + kernel.root().resolve(
                "sys/fs/cgroup/cpuset.cpus.effective") + ")\n      fix: start DPDK on CPUs of the cpuset: -l 4-5,");
        assertThat(Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--cpus", "5-6"))))
                .contains("ok    cpus in the cpuset: 5-6 of 4-7");
    }

    @Test
    void fewerCpusThanLcoresAreNamedWithHowToGetMore() {
        kernel.cgroupV1("/kubepods/pod0a1b/c0ffee", "3", "0", KernelFiles.V1_NO_LIMIT);
        String text = Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor")));
        assertThat(text).contains("ok    cpus in the cpuset: 3 of 3")
                .contains("FAIL  cpus for the lcores: 2 lcores asked, the cpuset 3 has 1 CPU\n      fix: give the"
                        + " container 2 CPUs (in Kubernetes: a whole-number CPU request equal to its limit, with the"
                        + " kubelet's static CPU manager policy), or ask fewer with --cores;");
        assertThat(Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--cores", "1"))))
                .contains("ok    cpus for the lcores: 1 lcores asked, the cpuset 3 has 1 CPU");
    }

    @Test
    void socketMemoryOverTheHugepageLimitIsOneLineWithTheLimitsFile() {
        kernel.cgroupV2("/", "0-3", "0", "134217728");
        String text = Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--socket-mem", "256")));
        assertThat(text).contains("FAIL  hugepage limit: socket memory 256 MB, hugepage limit 128 MB ("
                + kernel.root().resolve("sys/fs/cgroup/hugetlb.2MB.max") + ")\n      fix: raise the container's"
                + " hugepages to at least 256 MB (in Kubernetes: resources.limits.hugepages-2Mi: 256Mi), or lower"
                + " --socket-mem");
        assertThat(Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--no-hugepages"))))
                .as("a VPP on ordinary pages").doesNotContain("hugepage limit");
    }

    @Test
    void thePortsNodeOutsideTheCpusetsMemsIsNamed() {
        kernel.cgroupV2("/", "0-3", "0", "max");
        String text = Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--numa-node", "1")));
        assertThat(text).contains("FAIL  numa node: the port's NUMA node 1 is not in cpuset.mems 0\n      fix: let"
                + " the container use node 1's memory (in Kubernetes: the topology manager's single-numa-node"
                + " policy), or correct --numa-node;").doesNotContain("hugepages on node");
        assertThat(Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor"))))
                .contains("ok    numa node: the port's NUMA node is not known (--numa-node N or"
                        + " USERSPACE_CNI_NUMA_NODE): memory from any node (-m)");
    }

    @Test
    void tooFewFreeHugepagesOnThePortsNodeAreNamedWithTheCommandThatAddsThem() {
        kernel.cgroupV2("/", "0-3", "0-1", "max").node(0, 1024).node(1, 100);
        String text = Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--numa-node", "1")));
        String pages = "/sys/devices/system/node/node1/hugepages/hugepages-2048kB/";
        assertThat(text).contains("ok    numa node: the port's NUMA node 1 is in cpuset.mems 0-1")
                .contains("FAIL  hugepages on node 1: 100 free pages of 2048 kB, socket memory 256 MB needs 128\n"
                        + "      fix: on the host: echo $(( $(cat " + pages + "nr_hugepages) + 28 )) > " + pages
                        + "nr_hugepages, or lower --socket-mem");
        assertThat(Doctor.text(doctor(List.of("--data-dir", dir.toString(), "doctor", "--numa-node", "0"))))
                .contains("ok    hugepages on node 0: 1024 free pages");
    }

    private List<Doctor.Check> doctor(String meminfo, String mounts, String... flags) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir", dir.toString(), "--shared-dir",
                dir.toString(), "doctor"));
        args.addAll(List.of(flags));
        return doctor(meminfo, mounts, args);
    }

    private List<Doctor.Check> doctor(String meminfo, String mounts, List<String> args) throws Exception {
        Path proc = Files.createDirectories(kernel.root().resolve("proc"));
        Files.writeString(proc.resolve("meminfo"), meminfo);
        Files.writeString(proc.resolve("mounts"), mounts);
        return doctor(args);
    }

    private List<Doctor.Check> doctor(List<String> args) {
        AgentOptions options = AgentOptions.parse(args);
        CniLog log = new CniLog("test", System.err);
        return new Doctor(options, AttachmentSource.of(options, log), Optional.of("ovs-dpdk"),
                DatapathStatus.unavailable("not started"), "--engine-option ovs-dpdk.ovsdbSocket=...",
                kernel.read(dir.resolve("podinfo"))).run();
    }
}
