package org.userspacecni.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Where a DPDK application runs in this container: the EAL core and memory arguments that fit its
 * {@link ContainerResources} for what it asks ({@link EalRequest}), and the checks that say where the two do not
 * fit, each in one line with its fix, for {@code doctor}. {@code eal-args} refuses what DPDK would fail on: CPUs
 * outside the cpuset, socket memory over the hugepage limit.
 *
 * <ul>
 * <li>Cores: {@code -l} with the lowest CPUs of the cpuset (or the CPUs asked for); a cpuset with fewer CPUs
 * than lcores gets them all, shared: {@code --lcores=(0-1)@3}.</li>
 * <li>Memory: {@code --socket-mem} with all of it on the port's NUMA node ({@code --socket-mem=0,256} for node
 * 1) when that node is known and in {@code cpuset.mems}; else {@code -m}, from any node.</li>
 * <li>{@code --file-prefix=usrsp-HOSTNAME}: the host name is the container's (Docker's short id, the pod's
 * name), so DPDK's files of two containers sharing a hugetlbfs or {@code /var/run/dpdk} do not clash, and the
 * same container always finds its own; {@code --in-memory} when no hugetlbfs is mounted or it is asked for.</li>
 * </ul>
 */
final class EalPlacement {

    private final ContainerResources resources;
    private final EalRequest request;

    EalPlacement(ContainerResources resources, EalRequest request) {
        this.resources = resources;
        this.request = request;
    }

    /** The CPUs the lcores run on. */
    KernelList cpus() {
        return request.cpus().orElse(resources.cpus().first(request.cores()));
    }

    /** The EAL arguments, core and memory ones first; what DPDK would fail on is refused, naming the fix. */
    List<String> args() {
        for (Doctor.Check check : List.of(cpusInCpuset(), withinHugepageLimit())) {
            if (!check.ok()) {
                throw new CniException(ErrorCode.INVALID_ENVIRONMENT_VARIABLES, check.name() + ": " + check.found()
                        + "; " + check.fix());
            }
        }
        List<String> args = new ArrayList<>();
        KernelList cpus = cpus();
        int lcores = request.lcores();
        if (cpus.size() >= lcores) {
            args.addAll(List.of("-l", cpus.toString()));
        } else {
            args.add("--lcores=(0-" + (lcores - 1) + ")@" + (cpus.size() == 1 ? cpus : "(" + cpus + ")"));
        }
        if (nodeInMems().isPresent()) {
            int node = nodeInMems().get();
            args.add("--socket-mem=" + IntStream.rangeClosed(0, node)
                    .mapToObj(each -> each == node ? String.valueOf(request.socketMemMb()) : "0")
                    .collect(Collectors.joining(",")));
        } else {
            args.addAll(List.of("-m", String.valueOf(request.socketMemMb())));
        }
        args.add("--file-prefix=" + filePrefix());
        if (request.inMemory() || resources.hugetlbfsMounts().isEmpty()) {
            args.add("--in-memory");
        }
        return args;
    }

    /** Whether the request fits the container, each way it may not; the hugepage ones only if hugepages are used. */
    List<Doctor.Check> checks(boolean hugepages) {
        List<Doctor.Check> checks = new ArrayList<>(List.of(cpusInCpuset()));
        if (request.cpus().isEmpty()) {
            checks.add(enoughCpus());
        }
        checks.add(numaNode());
        if (hugepages) {
            checks.add(withinHugepageLimit());
            nodeInMems().ifPresent(node -> checks.add(hugepagesOnNode(node)));
        }
        return Collections.unmodifiableList(checks);
    }

    /** {@code usrsp-} and the host name, in the letters DPDK takes for a file name. */
    String filePrefix() {
        String name = resources.hostname().replaceAll("[^A-Za-z0-9_.-]", "-");
        return "usrsp" + (name.isEmpty() ? "" : "-" + name);
    }

    private Optional<Integer> nodeInMems() {
        return request.numaNode().filter(node -> resources.mems().contains(node));
    }

    private Doctor.Check cpusInCpuset() {
        KernelList cpuset = resources.cpus();
        if (cpuset.isEmpty()) {
            return new Doctor.Check("cpus in the cpuset", false, "the cpuset is unknown (" + resources.cpusFrom()
                    + ")", "mount /proc and /sys/fs/cgroup as the container runtime does");
        }
        KernelList outside = cpus().without(cpuset);
        return new Doctor.Check("cpus in the cpuset", outside.isEmpty(), (outside.isEmpty() ? cpus() + " of "
                : outside + " outside ") + cpuset + " (" + resources.cpusFrom() + ")",
                "start DPDK on CPUs of the cpuset: -l " + cpuset.first(request.lcores())
                        + ", which eal-args chooses when not given --cpus");
    }

    private Doctor.Check enoughCpus() {
        KernelList cpuset = resources.cpus();
        int lcores = request.lcores();
        return new Doctor.Check("cpus for the lcores", cpuset.size() >= lcores, lcores + " lcores asked, the cpuset "
                + cpuset + " has " + cpuset.size() + (cpuset.size() == 1 ? " CPU" : " CPUs"),
                "give the container " + lcores + " CPUs (in Kubernetes: a whole-number CPU request equal to its limit,"
                        + " with the kubelet's static CPU manager policy), or ask fewer with --cores; eal-args"
                        + " meanwhile shares the cpuset's CPUs among the lcores (--lcores)");
    }

    private Doctor.Check numaNode() {
        if (request.numaNode().isEmpty()) {
            return new Doctor.Check("numa node", true, "the port's NUMA node is not known (--numa-node N or "
                    + EalRequest.NUMA_NODE_VARIABLE + "): memory from any node (-m)", "");
        }
        int node = request.numaNode().get();
        return new Doctor.Check("numa node", nodeInMems().isPresent(), "the port's NUMA node " + node
                + (nodeInMems().isPresent() ? " is" : " is not") + " in cpuset.mems " + resources.mems(),
                "let the container use node " + node + "'s memory (in Kubernetes: the topology manager's"
                        + " single-numa-node policy), or correct --numa-node; eal-args meanwhile gives -m, memory"
                        + " from any node");
    }

    private Doctor.Check withinHugepageLimit() {
        long asked = request.socketMemMb();
        return resources.hugepageLimit().map(limit -> new Doctor.Check("hugepage limit", asked <= limit.megabytes(),
                "socket memory " + asked + " MB, hugepage limit " + limit.megabytes() + " MB (" + limit.from() + ")",
                "raise the container's hugepages to at least " + asked + " MB (in Kubernetes: resources.limits."
                        + resources.hugepageResource() + ": " + asked + "Mi), or lower --socket-mem"))
                .orElseGet(() -> new Doctor.Check("hugepage limit", true, "socket memory " + asked
                        + " MB, no hugepage limit on the container", ""));
    }

    private Doctor.Check hugepagesOnNode(int node) {
        long pageKb = resources.hugepageKb();
        long needed = (request.socketMemMb() * 1024 + pageKb - 1) / pageKb;
        Optional<Long> free = Optional.ofNullable(resources.freeHugepagesByNode().get(node));
        String pages = resources.nodeHugepages(node) + "/";
        return new Doctor.Check("hugepages on node " + node, free.map(count -> count >= needed).orElse(true),
                free.map(count -> count + " free pages of " + pageKb + " kB, socket memory " + request.socketMemMb()
                        + " MB needs " + needed).orElse("free pages not shown (no " + pages + "free_hugepages)"),
                "on the host: echo $(( $(cat " + pages + "nr_hugepages) + " + (needed - free.orElse(0L))
                        + " )) > " + pages + "nr_hugepages, or lower --socket-mem");
    }
}
