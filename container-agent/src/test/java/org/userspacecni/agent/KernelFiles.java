package org.userspacecni.agent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A root directory with the kernel's files of a container laid out as the kernel shows them: its
 * {@code /proc/self/cgroup}, {@code /proc/self/status}, {@code /proc/meminfo}, {@code /proc/mounts}, host name,
 * its cgroup's cpuset and hugetlb files under {@code /sys/fs/cgroup} (v1 or v2), and the NUMA nodes' free
 * hugepages under {@code /sys/devices/system/node}. Values are written as the kernel writes them: a list
 * ({@code 0-3,8}) or number and a newline, {@code max} for no limit in v2, 9223372036854771712 in v1.
 */
final class KernelFiles {

    /** cgroup v1's limit_in_bytes when there is no limit, on a kernel with 4 kB pages. */
    static final String V1_NO_LIMIT = "9223372036854771712";

    private final Path root;

    KernelFiles(Path root) {
        this.root = root;
        meminfo(512, 512, 2048).mounts("none /dev/hugepages hugetlbfs rw,relatime,pagesize=2M 0 0")
                .hostname("pod-a").status("0-7", "0-1");
    }

    Path root() {
        return root;
    }

    /** A process in cgroup v2 at {@code path} (Kubernetes' pod/container path, or "/" in its own namespace). */
    KernelFiles cgroupV2(String path, String cpus, String mems, String hugetlb2MBMax) {
        write("proc/self/cgroup", "0::" + path + "\n");
        write("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc\n");
        Path dir = dir("sys/fs/cgroup", path);
        write(dir.resolve("cpuset.cpus.effective"), cpus + "\n");
        write(dir.resolve("cpuset.mems.effective"), mems + "\n");
        write(dir.resolve("hugetlb.2MB.max"), hugetlb2MBMax + "\n");
        write(dir.resolve("hugetlb.1GB.max"), "max\n");
        return this;
    }

    /** A process in cgroup v1 at {@code path} in every hierarchy, with its cpuset and hugetlb files. */
    KernelFiles cgroupV1(String path, String cpus, String mems, String hugetlb2MBLimitInBytes) {
        write("proc/self/cgroup", "12:hugetlb:" + path + "\n11:memory:" + path + "\n4:cpu,cpuacct:" + path
                + "\n3:cpuset:" + path + "\n1:name=systemd:" + path + "\n0::/\n");
        Path cpuset = dir("sys/fs/cgroup/cpuset", path);
        write(cpuset.resolve("cpuset.cpus"), cpus + "\n");
        write(cpuset.resolve("cpuset.effective_cpus"), cpus + "\n");
        write(cpuset.resolve("cpuset.mems"), mems + "\n");
        write(cpuset.resolve("cpuset.effective_mems"), mems + "\n");
        Path hugetlb = dir("sys/fs/cgroup/hugetlb", path);
        write(hugetlb.resolve("hugetlb.2MB.limit_in_bytes"), hugetlb2MBLimitInBytes + "\n");
        write(hugetlb.resolve("hugetlb.1GB.limit_in_bytes"), V1_NO_LIMIT + "\n");
        return this;
    }

    /** The lines of {@code /proc/self/status} the agent reads, among others. */
    KernelFiles status(String cpus, String mems) {
        write("proc/self/status", "Name:\tjava\nUmask:\t0022\nState:\tR (running)\nCpus_allowed:\tff\n"
                + "Cpus_allowed_list:\t" + cpus + "\nMems_allowed:\t00000000,00000003\nMems_allowed_list:\t" + mems
                + "\nvoluntary_ctxt_switches:\t1\n");
        return this;
    }

    KernelFiles meminfo(long total, long free, long sizeKb) {
        write("proc/meminfo", "MemTotal:       65856084 kB\nMemFree:        40005120 kB\nHugePages_Total:"
                + String.format("%8d", total) + "\nHugePages_Free:" + String.format("%9d", free)
                + "\nHugePages_Rsvd:        0\nHugePages_Surp:        0\nHugepagesize:" + String.format("%11d", sizeKb)
                + " kB\nHugetlb:         1048576 kB\n");
        return this;
    }

    KernelFiles mounts(String... hugetlbfs) {
        write("proc/mounts", "overlay / overlay rw,relatime 0 0\nproc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n"
                + String.join("", java.util.Arrays.stream(hugetlbfs).map(line -> line + "\n").toList()));
        return this;
    }

    KernelFiles hostname(String name) {
        write("proc/sys/kernel/hostname", name + "\n");
        return this;
    }

    /** NUMA node {@code node} with {@code free} free 2 MB pages. */
    KernelFiles node(int node, long free) {
        write("sys/devices/system/node/node" + node + "/hugepages/hugepages-2048kB/free_hugepages", free + "\n");
        write("sys/devices/system/node/node" + node + "/hugepages/hugepages-2048kB/nr_hugepages", free + "\n");
        write("sys/devices/system/node/node" + node + "/cpulist", "0-7\n");
        return this;
    }

    /** Removes a file, as a kernel without that controller or feature would not show it. */
    KernelFiles without(String path) {
        try {
            Files.deleteIfExists(root.resolve(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    ContainerResources read(Path podinfo) {
        return ContainerResources.read(root, podinfo);
    }

    private Path dir(String hierarchy, String path) {
        return root.resolve(hierarchy).resolve(path.replaceFirst("^/+", ""));
    }

    private void write(String path, String text) {
        write(root.resolve(path), text);
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
