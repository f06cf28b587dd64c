package org.userspacecni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.CniLog;
import org.userspacecni.core.store.FileConfigStore;
import org.userspacecni.spi.DatapathStatus;

/**
 * The hugepage checks read the kernel's {@code meminfo} and {@code mounts}. Taking the machine's hugepages
 * away would disturb every DPDK process on it, so these cases give the checks the kernel's files as a host
 * without hugepages would show them; the other cases run against real setups in {@link AgentCommandsIT}.
 */
class DoctorTest {

    @TempDir
    Path dir;

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
        assertThat(checks).extracting(Doctor.Check::name).doesNotContain("container OVS");
        assertThat(Doctor.text(checks)).contains("ok    hugetlbfs mounted: no hugetlbfs mount (not needed: DPDK runs --in-memory)");
        assertThat(Doctor.passed(checks)).isTrue();
    }

    private List<Doctor.Check> doctor(String meminfo, String mounts, String... flags) throws Exception {
        Path proc = Files.createDirectories(dir.resolve("proc"));
        Files.writeString(proc.resolve("meminfo"), meminfo);
        Files.writeString(proc.resolve("mounts"), mounts);
        List<String> args = new java.util.ArrayList<>(List.of("--data-dir", dir.toString(), "--shared-dir",
                dir.toString(), "doctor"));
        args.addAll(List.of(flags));
        AgentOptions options = AgentOptions.parse(args);
        CniLog log = new CniLog("test", System.err);
        return new Doctor(options, FileConfigStore.containerView(dir, log), "ovs-dpdk",
                DatapathStatus.unavailable("not started"), proc).run();
    }
}
