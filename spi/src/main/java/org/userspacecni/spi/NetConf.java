package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * The network configuration of a userspace attachment, as the runtime passes it on stdin.
 *
 * <p>The schema is the original Go plugin's, accepted unchanged: {@code host} and {@code container} describe
 * the two ends, {@code ipam} names the delegated IPAM plugin, and {@code sharedDir}, {@code kubeconfig},
 * {@code logFile} and {@code logLevel} keep their meaning. New: {@code dataDir}, the root of the file
 * config store, and {@code mtu}, the MTU of the attachment. Unknown fields are ignored, as runtimes add their own; {@code container} may be absent, in
 * which case it is derived from {@code host}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record NetConf(
        @ConfigDoc(value = "The CNI version of the configuration; the result is printed in it. A version the"
                + " plugin does not speak is error 1.", defaultValue = "required (none is read as 0.1.0, as by"
                + " libcni)", allowed = "a version the plugin speaks (below)")
        String cniVersion,
        @ConfigDoc(value = "The network's name: IPAM plugins keep leases under it, engines mark what they make.",
                defaultValue = "required", allowed = "a letter or digit, then letters, digits, `_`, `.`, `-`;"
                        + " at most {MAX_NAME_LENGTH} characters")
        String name,
        @ConfigDoc(value = "The plugin's file name, by which the runtime runs it; the plugin does not read it.",
                defaultValue = "required", allowed = "`userspace`")
        String type,
        @ConfigDoc(value = "The host's end of the attachment: engine, interface type and how it joins the switch.",
                defaultValue = "required")
        Side host,
        @ConfigDoc(value = "The container's end, with the same fields as `host`; each field's default says what"
                + " the container takes when it is absent.", defaultValue = "derived from `host`")
        Optional<Side> container,
        @ConfigDoc(value = "The IPAM plugin's section; the plugin gets the whole configuration on stdin, so the"
                + " section's other fields (`subnet`, `gateway`, ...) are its own.",
                defaultValue = "no IPAM: the result has no addresses")
        Optional<IpamConfig> ipam,
        @ConfigDoc(value = "The directory shared with containers, where the sockets are.",
                defaultValue = "{DEFAULT_SHARED_DIR}", allowed = "an absolute path without `..`")
        Optional<String> sharedDir,
        @ConfigDoc(value = "The plugin's state on the node: the config store, the attachment journal, the lock.",
                defaultValue = "{DEFAULT_DATA_DIR}", allowed = "an absolute path without `..`")
        Optional<String> dataDir,
        @ConfigDoc(value = "A kubeconfig: with `K8S_POD_NAMESPACE` and `K8S_POD_NAME` in `CNI_ARGS`, the pod's"
                + " annotations carry the container's configuration and its `shared-dir` volume holds the sockets"
                + " ([kubernetes.md](kubernetes.md)); in-cluster credentials serve too. Unreadable is error 7.")
        Optional<String> kubeconfig,
        @ConfigDoc(value = "A log file besides stderr, created `0600`; a symbolic link there is refused with a"
                + " warning and the command goes on.", allowed = "an absolute path without `..`")
        Optional<String> logFile,
        @ConfigDoc(value = "The most detailed level logged, to stderr and `logFile`.",
                defaultValue = "{DEFAULT_LOG_LEVEL}")
        LogLevel logLevel,
        @ConfigDoc(value = "The MTU of the attachment's interfaces.", defaultValue = "the switch's",
                allowed = "{MIN_MTU} to {MAX_MTU}", engines = "ovs-dpdk")
        Optional<Integer> mtu) {

    /** Where sockets shared with containers live unless {@code sharedDir} says otherwise. */
    public static final Path DEFAULT_SHARED_DIR = Path.of("/var/lib/cni/usrspcni/shared");
    /** The root of the file config store unless {@code dataDir} says otherwise. */
    public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/cni/usrspcni");
    /** As in the original plugin. */
    public static final LogLevel DEFAULT_LOG_LEVEL = LogLevel.WARNING;

    /** The MTU range a configuration may ask for (IPv4's minimum, the largest jumbo frame of vhost-user). */
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 9702;

    /** Network names become file names (IPAM stores, sockets), so they are kept to one path element. */
    public static final int MAX_NAME_LENGTH = 255;

    public NetConf {
        if (name == null || name.isBlank()) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing network 'name'");
        }
        if (name.length() > MAX_NAME_LENGTH || !name.matches("[A-Za-z0-9][A-Za-z0-9_.\\-]*")) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "invalid network 'name': it must start with a"
                    + " letter or digit, go on with letters, digits, '_', '.' or '-', and be at most "
                    + MAX_NAME_LENGTH + " characters");
        }
        if (host == null) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "missing 'host' section");
        }
        cniVersion = Objects.requireNonNullElse(cniVersion, "");
        type = Objects.requireNonNullElse(type, "");
        container = Objects.requireNonNullElse(container, Optional.empty());
        ipam = Objects.requireNonNullElse(ipam, Optional.empty());
        sharedDir = absolutePath("sharedDir", sharedDir);
        dataDir = absolutePath("dataDir", dataDir);
        kubeconfig = Objects.requireNonNullElse(kubeconfig, Optional.empty());
        logFile = absolutePath("logFile", logFile);
        logLevel = Objects.requireNonNullElse(logLevel, DEFAULT_LOG_LEVEL);
        mtu = Objects.requireNonNullElse(mtu, Optional.empty());
        mtu.ifPresent(value -> {
            if (value < MIN_MTU || value > MAX_MTU) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'mtu' must be between " + MIN_MTU + " and " + MAX_MTU + ", not " + value);
            }
        });
    }

    public Path sharedDirPath() {
        return sharedDir.map(Path::of).orElse(DEFAULT_SHARED_DIR);
    }

    public Path dataDirPath() {
        return dataDir.map(Path::of).orElse(DEFAULT_DATA_DIR);
    }

    private static Optional<String> absolutePath(String key, Optional<String> value) {
        Optional<String> path = Objects.requireNonNullElse(value, Optional.empty());
        path.ifPresent(p -> {
            boolean escapes = p.indexOf('\0') >= 0 || !p.startsWith("/")
                    || Arrays.asList(p.split("/")).contains("..");
            if (escapes) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "'" + key + "' must be an absolute path without '..': '" + p + "'");
            }
            try {
                Path.of(p);
            } catch (InvalidPathException e) {
                // Characters the file system's encoding cannot hold would fail later, as an unchecked exception.
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "'" + key + "' is not a path: " + e.getReason());
            }
        });
        return path;
    }
}
