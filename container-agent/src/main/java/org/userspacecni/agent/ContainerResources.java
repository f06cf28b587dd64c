package org.userspacecni.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPUs and hugepage memory this container may use, as the kernel (and, when mounted, the Downward API) tells
 * the container, read once under a root ({@code /}, or a directory laid out as the kernel does, in tests):
 * <ul>
 * <li>its cpuset, from its own cgroup as {@code /proc/self/cgroup} names it: cgroup v1's {@code cpuset}
 * hierarchy ({@code cpuset.effective_cpus}, else {@code cpuset.cpus}; {@code cpuset.effective_mems}, else
 * {@code cpuset.mems}), else cgroup v2's {@code cpuset.cpus.effective} and {@code cpuset.mems.effective}, else
 * {@code Cpus_allowed_list} and {@code Mems_allowed_list} of {@code /proc/self/status};</li>
 * <li>its hugepage limit for the default hugepage size ({@code Hugepagesize} of {@code /proc/meminfo}): v1's
 * {@code hugetlb.2MB.limit_in_bytes}, v2's {@code hugetlb.2MB.max}, and a Downward API file
 * {@code hugepages-2Mi} (a {@code resourceFieldRef} of {@code limits.hugepages-2Mi}: bytes) in the pod info
 * directory; the lowest of those there is the limit, none of them (or the kernel's "no limit") none;</li>
 * <li>the machine's hugepages ({@code /proc/meminfo}), the free ones of each NUMA node
 * ({@code /sys/devices/system/node/nodeN/hugepages/hugepages-2048kB/free_hugepages}), the hugetlbfs mounts
 * ({@code /proc/mounts}), and the container's host name ({@code /proc/sys/kernel/hostname}).</li>
 * </ul>
 * A cgroup's directory is {@code /sys/fs/cgroup[/CONTROLLER]/PATH}, or the hierarchy's root when that directory
 * is not there: a container without its own cgroup namespace (Docker on v1) sees only its own cgroup, at the root.
 */
record ContainerResources(KernelList cpus, String cpusFrom, KernelList mems, long hugepageKb, long hugepagesTotal,
        long hugepagesFree, Optional<HugepageLimit> hugepageLimit, Map<Integer, Long> freeHugepagesByNode,
        List<String> hugetlbfsMounts, String hostname) {

    /** The limit of this container's hugepages of the default size, and the file that set it. */
    record HugepageLimit(long bytes, Path from) {

        long megabytes() {
            return bytes / MB;
        }
    }

    private static final long MB = 1024 * 1024;
    /**
     * cgroup v1's "no limit": the most pages a page counter holds, in bytes, which is the largest long rounded
     * down to the kernel's page size (9223372036854771712 with 4 kB pages; up to 64 kB pages are covered).
     */
    private static final long V1_NO_LIMIT_FROM = Long.MAX_VALUE - 65536;

    ContainerResources {
        freeHugepagesByNode = Map.copyOf(freeHugepagesByNode);
        hugetlbfsMounts = List.copyOf(hugetlbfsMounts);
    }

    /** Reads what the kernel under {@code root} shows this process, and the Downward API files in {@code podinfo}. */
    static ContainerResources read(Path root, Path podinfo) {
        Map<String, String> cgroups = cgroups(root.resolve("proc/self/cgroup"));
        Path sysCgroup = root.resolve("sys/fs/cgroup");
        List<Path> cpuFiles = new ArrayList<>();
        List<Path> memFiles = new ArrayList<>();
        Optional<Path> v1Cpuset = cgroupDir(sysCgroup.resolve("cpuset"), cgroups.get("cpuset"));
        v1Cpuset.ifPresent(dir -> {
            cpuFiles.addAll(List.of(dir.resolve("cpuset.effective_cpus"), dir.resolve("cpuset.cpus")));
            memFiles.addAll(List.of(dir.resolve("cpuset.effective_mems"), dir.resolve("cpuset.mems")));
        });
        Optional<Path> v2 = cgroupDir(sysCgroup, cgroups.get(""));
        v2.ifPresent(dir -> {
            cpuFiles.add(dir.resolve("cpuset.cpus.effective"));
            memFiles.add(dir.resolve("cpuset.mems.effective"));
        });
        Map<String, String> status = fields(root.resolve("proc/self/status"));
        Optional<Path> cpusFile = firstWithText(cpuFiles);
        Optional<Path> memsFile = firstWithText(memFiles);
        KernelList cpus = KernelList.parse(cpusFile.map(ContainerResources::text)
                .orElse(status.getOrDefault("Cpus_allowed_list", "")));
        String cpusFrom = cpusFile.map(Path::toString).orElse(status.containsKey("Cpus_allowed_list")
                ? root.resolve("proc/self/status") + " Cpus_allowed_list" : "nowhere: no cpuset file is readable");
        KernelList mems = KernelList.parse(memsFile.map(ContainerResources::text)
                .orElse(status.getOrDefault("Mems_allowed_list", "")));

        Map<String, String> meminfo = fields(root.resolve("proc/meminfo"));
        long pageKb = number(meminfo.get("Hugepagesize")).orElse(2048L);
        List<HugepageLimit> limits = new ArrayList<>();
        String cgroupSize = pageKb >= MB ? pageKb / MB + "GB" : pageKb >= 1024 ? pageKb / 1024 + "MB" : pageKb + "KB";
        cgroupDir(sysCgroup.resolve("hugetlb"), cgroups.get("hugetlb"))
                .map(dir -> dir.resolve("hugetlb." + cgroupSize + ".limit_in_bytes"))
                .flatMap(file -> limit(file, V1_NO_LIMIT_FROM)).ifPresent(limits::add);
        v2.map(dir -> dir.resolve("hugetlb." + cgroupSize + ".max")).flatMap(file -> limit(file, Long.MAX_VALUE))
                .ifPresent(limits::add);
        limit(podinfo.resolve(hugepageResource(pageKb)), Long.MAX_VALUE).ifPresent(limits::add);
        Optional<HugepageLimit> limit = limits.stream().min((a, b) -> Long.compare(a.bytes(), b.bytes()));

        return new ContainerResources(cpus, cpusFrom, mems, pageKb, number(meminfo.get("HugePages_Total")).orElse(0L),
                number(meminfo.get("HugePages_Free")).orElse(0L), limit, freeHugepagesByNode(root, pageKb),
                hugetlbfsMounts(root.resolve("proc/mounts")), text(root.resolve("proc/sys/kernel/hostname")));
    }

    /** Kubernetes' name of the resource of the default hugepages: {@code hugepages-2Mi}, {@code hugepages-1Gi}. */
    String hugepageResource() {
        return hugepageResource(hugepageKb);
    }

    private static String hugepageResource(long pageKb) {
        return "hugepages-" + (pageKb >= MB ? pageKb / MB + "Gi" : pageKb >= 1024 ? pageKb / 1024 + "Mi"
                : pageKb + "Ki");
    }

    /** Controller ("" for cgroup v2's unified hierarchy) to the cgroup path, from {@code /proc/self/cgroup}. */
    private static Map<String, String> cgroups(Path file) {
        Map<String, String> paths = new HashMap<>();
        for (String line : lines(file)) {
            String[] fields = line.split(":", 3);
            if (fields.length == 3) {
                for (String controller : fields[1].split(",")) {
                    paths.put(controller, fields[2]);
                }
            }
        }
        return paths;
    }

    private static Optional<Path> cgroupDir(Path hierarchy, String path) {
        if (path == null || !Files.isDirectory(hierarchy)) {
            return Optional.empty();
        }
        Path own = hierarchy.resolve(path.replaceFirst("^/+", ""));
        return Optional.of(Files.isDirectory(own) ? own : hierarchy);
    }

    /** A limit in bytes, or "max"; {@code noLimitFrom} and above, and "max", are no limit. */
    private static Optional<HugepageLimit> limit(Path file, long noLimitFrom) {
        String value = text(file);
        return number(value).filter(bytes -> bytes < noLimitFrom).map(bytes -> new HugepageLimit(bytes, file));
    }

    /** The directory of NUMA node {@code node}'s hugepages of the default size, as the container sees it. */
    Path nodeHugepages(int node) {
        return nodeHugepages(Path.of("/"), node, hugepageKb);
    }

    private static Path nodeHugepages(Path root, int node, long pageKb) {
        return root.resolve("sys/devices/system/node/node" + node + "/hugepages/hugepages-" + pageKb + "kB");
    }

    private static Map<Integer, Long> freeHugepagesByNode(Path root, long pageKb) {
        Map<Integer, Long> free = new TreeMap<>();
        try (Stream<Path> nodes = Files.list(root.resolve("sys/devices/system/node"))) {
            nodes.map(node -> node.getFileName().toString()).filter(name -> name.matches("node\\d+"))
                    .map(name -> Integer.parseInt(name.substring(4))).forEach(node -> number(text(
                            nodeHugepages(root, node, pageKb).resolve("free_hugepages")))
                            .ifPresent(pages -> free.put(node, pages)));
        } catch (IOException e) {
            // No NUMA nodes shown: nothing is known of them.
        }
        return free;
    }

    private static List<String> hugetlbfsMounts(Path mounts) {
        return lines(mounts).stream().map(line -> line.split(" "))
                .filter(fields -> fields.length > 2 && fields[2].equals("hugetlbfs")).map(fields -> fields[1])
                .toList();
    }

    /** {@code Name: value} lines ({@code /proc/meminfo}, {@code /proc/self/status}). */
    private static Map<String, String> fields(Path file) {
        Map<String, String> fields = new HashMap<>();
        for (String line : lines(file)) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                fields.put(line.substring(0, colon), line.substring(colon + 1).strip());
            }
        }
        return fields;
    }

    /** The leading number of {@code 2048 kB} or {@code 268435456}; empty for "max", "" or none. */
    private static Optional<Long> number(String value) {
        if (value == null || !value.strip().matches("\\d+( kB)?")) {
            return Optional.empty();
        }
        try {
            return Optional.of(Long.parseLong(value.strip().split(" ")[0]));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> firstWithText(List<Path> files) {
        return files.stream().filter(file -> !text(file).isEmpty()).findFirst();
    }

    private static String text(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
