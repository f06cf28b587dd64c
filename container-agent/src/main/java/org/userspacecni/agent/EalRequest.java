package org.userspacecni.agent;

import java.util.List;
import java.util.Optional;
import org.userspacecni.spi.ContainerConfig;

/**
 * What a DPDK application asks of the container, as {@code eal-args} and {@code doctor} are told: how many lcores
 * (a main lcore and forwarding ones), or the very CPUs it is started on; the megabytes of hugepage memory it takes
 * ({@code --socket-mem}); the NUMA node of the host port's memory when the host tells it (the option, the variable,
 * or the store, where the host plugin records what the switch says); and whether it runs
 * {@code --in-memory} even where a hugetlbfs is mounted.
 */
record EalRequest(int cores, Optional<KernelList> cpus, long socketMemMb, Optional<Integer> numaNode,
        boolean inMemory) {

    static final int DEFAULT_CORES = 2;
    static final long DEFAULT_SOCKET_MEM_MB = 256;
    /** Where the host may tell the container the NUMA node of its port, when no {@code --numa-node} is given. */
    static final String NUMA_NODE_VARIABLE = "USERSPACE_CNI_NUMA_NODE";

    EalRequest {
        if (cores < 1) {
            throw new IllegalArgumentException("--cores takes 1 or more, not " + cores);
        }
        if (cpus.filter(KernelList::isEmpty).isPresent()) {
            throw new IllegalArgumentException("--cpus takes at least one CPU");
        }
        if (socketMemMb < 1) {
            throw new IllegalArgumentException("--socket-mem takes 1 MB or more, not " + socketMemMb);
        }
        if (numaNode.filter(node -> node < 0).isPresent()) {
            throw new IllegalArgumentException("--numa-node takes 0 or more, not " + numaNode.get());
        }
    }

    /** The defaults: two lcores, 256 MB on any node, hugetlbfs when mounted. */
    static EalRequest defaults() {
        return new EalRequest(DEFAULT_CORES, Optional.empty(), DEFAULT_SOCKET_MEM_MB, Optional.empty(), false);
    }

    /**
     * This request, with the NUMA node the host recorded for the first of the {@code stored} attachments that has
     * one where none was given: the option and the variable win over the store.
     */
    EalRequest withRecordedNode(List<ContainerConfig> stored) {
        if (numaNode.isPresent()) {
            return this;
        }
        return new EalRequest(cores, cpus, socketMemMb, stored.stream().map(ContainerConfig::numaNode)
                .flatMap(Optional::stream).findFirst(), inMemory);
    }

    /** How many lcores the application runs: one per CPU it is given, else {@link #cores}. */
    int lcores() {
        return cpus.map(KernelList::size).orElse(cores);
    }
}
