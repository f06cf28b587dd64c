package com.example.vhosttap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.EngineOption;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.Side;

/**
 * What the host side runs and where it keeps things: each setting is an option this engine declares
 * ({@link VhostTapBackendProvider#options()}), from the host section's {@code options}, else an environment
 * variable of the plugin, else a default.
 */
record HostSettings(Path testpmd, Path hugepageDir, Path stateDir, String cpus) {

    static final Path DEFAULT_TESTPMD = Path.of("/usr/bin/dpdk-testpmd");
    static final Path DEFAULT_HUGEPAGE_DIR = Path.of("/dev/hugepages");
    static final Path DEFAULT_STATE_DIR = Path.of("/run/usrsp-vhost-tap");
    static final String DEFAULT_CPUS = "0-1";

    static final EngineOption TESTPMD = host("testpmd", "USERSPACE_CNI_VHOST_TAP_TESTPMD", DEFAULT_TESTPMD,
            "an absolute path", "The forwarder's program (Debian's `dpdk-dev`).");
    static final EngineOption HUGEPAGE_DIR = host("hugepageDir", "USERSPACE_CNI_VHOST_TAP_HUGEPAGES",
            DEFAULT_HUGEPAGE_DIR, "an absolute path", "The hugetlbfs mount point the forwarders take their memory"
                    + " from; each takes about 20 MiB.");
    static final EngineOption STATE_DIR = host("stateDir", "USERSPACE_CNI_VHOST_TAP_STATE_DIR", DEFAULT_STATE_DIR,
            "an absolute path", "Where the forwarders' pid files and logs are, a directory per network.");
    static final EngineOption CPUS = host("cpus", "USERSPACE_CNI_VHOST_TAP_CPUS", DEFAULT_CPUS,
            "a CPU list such as `0-1` or `2,3`", "The CPUs every forwarder's two threads float over, so that"
                    + " forwarders share them rather than each pinning one.");

    HostSettings {
        for (Path path : List.of(testpmd, hugepageDir, stateDir)) {
            if (!path.isAbsolute() || !path.normalize().equals(path)) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "vhost-tap: " + path + " must be an absolute path without '.' or '..'");
            }
        }
        if (!cpus.matches("[0-9]{1,4}(-[0-9]{1,4})?(,[0-9]{1,4}(-[0-9]{1,4})?)*")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                    "vhost-tap: options.cpus must be a CPU list such as 0-1 or 2,3, not '" + cpus + "'");
        }
    }

    static HostSettings of(Side host, BackendContext context) {
        return new HostSettings(path(host, context, TESTPMD).orElse(DEFAULT_TESTPMD),
                path(host, context, HUGEPAGE_DIR).orElse(DEFAULT_HUGEPAGE_DIR),
                path(host, context, STATE_DIR).orElse(DEFAULT_STATE_DIR),
                CPUS.value(host, context).orElse(DEFAULT_CPUS));
    }

    /** Where the pid files and logs of {@code network}'s forwarders are. */
    Path networkDir(String network) {
        return stateDir.resolve(network);
    }

    /**
     * Why no forwarder can start now, if one cannot: testpmd is not installed, or no hugetlbfs is mounted at
     * the hugepage directory (DPDK takes only a mount point). Both are what an operator meets on a node
     * that is not prepared yet, and both pass without a change to the configuration.
     */
    Optional<String> unusable() {
        if (!Files.isExecutable(testpmd)) {
            return Optional.of("vhost-tap: no forwarder program at " + testpmd + " (install dpdk-dev, or set"
                    + " options.testpmd)");
        }
        if (!hugetlbfsMountedAt(hugepageDir)) {
            return Optional.of("vhost-tap: no hugetlbfs is mounted at " + hugepageDir + " (mount one, e.g."
                    + " 'mount -t hugetlbfs -o pagesize=2M none " + hugepageDir + "', or set options.hugepageDir)");
        }
        return Optional.empty();
    }

    private static boolean hugetlbfsMountedAt(Path dir) {
        try {
            // Each line: device, mount point (spaces as \040), type, options, ...
            String mountPoint = dir.toString().replace(" ", "\\040");
            return Files.readAllLines(Path.of("/proc/self/mounts")).stream().map(line -> line.split(" "))
                    .anyMatch(fields -> fields.length > 2 && fields[1].equals(mountPoint)
                            && fields[2].equals("hugetlbfs"));
        } catch (IOException e) {
            throw new CniException(ErrorCode.IO_FAILURE, "vhost-tap: cannot read the mount table", e);
        }
    }

    private static EngineOption host(String name, String variable, Object defaultValue, String allowed,
            String description) {
        return new EngineOption(name, Set.of(EngineOption.Section.HOST), Optional.of(variable),
                "`" + defaultValue + "`", allowed, description);
    }

    private static Optional<Path> path(Side host, BackendContext context, EngineOption option) {
        return option.value(host, context).map(value -> {
            if (!value.startsWith("/") || value.indexOf('\0') >= 0) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "vhost-tap: options." + option.name() + " must be an absolute path, not '" + value + "'");
            }
            return Path.of(value);
        });
    }
}
