package org.userspacecni.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.userspacecni.node.cri.LinuxPodSandboxConfig;
import org.userspacecni.node.cri.LinuxSandboxSecurityContext;
import org.userspacecni.node.cri.ListPodSandboxRequest;
import org.userspacecni.node.cri.NamespaceMode;
import org.userspacecni.node.cri.NamespaceOption;
import org.userspacecni.node.cri.PodSandbox;
import org.userspacecni.node.cri.PodSandboxConfig;
import org.userspacecni.node.cri.PodSandboxMetadata;
import org.userspacecni.node.cri.PodSandboxStatus;
import org.userspacecni.node.cri.PodSandboxStatusRequest;
import org.userspacecni.node.cri.RemovePodSandboxRequest;
import org.userspacecni.node.cri.RunPodSandboxRequest;
import org.userspacecni.node.cri.RuntimeServiceGrpc;
import org.userspacecni.node.cri.StopPodSandboxRequest;
import org.userspacecni.node.cri.VersionRequest;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.HostLocalIpam;

/**
 * A private containerd (Debian's package) with its CRI plugin, in a directory of its own: its root, state,
 * gRPC socket and log there, its CRI plugin running the CNI plugins of {@code cniBin} for the network list in
 * {@code cniConf}, with the environment given (which containerd passes on to every CNI plugin it runs). The
 * native snapshotter, runc with cgroupfs, and {@code restrict_oom_score_adj}, which a sandbox like a CI machine
 * needs (runc may not lower the OOM score it was given). Stopped by its pid; {@link #close()} first stops and
 * removes every pod sandbox left, so that no shim, network namespace or CNI attachment outlives it.
 */
final class PrivateContainerd implements AutoCloseable {

    /** The CRI plugin's namespace of containerd, where its images must be. */
    static final String CRI_NAMESPACE = "k8s.io";
    static final String PAUSE_IMAGE = "localhost/usrsp-pause:1";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(120);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Map<String, String> environment;
    private Optional<Process> process = Optional.empty();
    private Optional<ManagedChannel> channel = Optional.empty();

    private PrivateContainerd(Path dir, Map<String, String> environment) {
        this.dir = dir;
        this.environment = Map.copyOf(environment);
    }

    /**
     * A node's containerd: its CNI {@code bin_dir} holds {@code plugin} as {@code userspace} and the reference
     * plugins named (from the distribution's {@link HostLocalIpam#CNI_BIN}), its {@code conf_dir} the network
     * list; started with {@code environment}, which containerd passes on to every CNI plugin it runs, and with
     * the pause image imported. Returns once its CRI service answers.
     */
    static PrivateContainerd start(Path dir, Path plugin, List<String> referencePlugins, String networkList,
            Map<String, String> environment, Path pauseImage) {
        PrivateContainerd containerd = new PrivateContainerd(dir, environment);
        try {
            Path cniBin = Files.createDirectories(dir.resolve("cni-bin"));
            Files.createSymbolicLink(cniBin.resolve("userspace"), plugin);
            for (String reference : referencePlugins) {
                Files.createSymbolicLink(cniBin.resolve(reference), HostLocalIpam.CNI_BIN.resolve(reference));
            }
            Files.createDirectories(containerd.networkList().getParent());
            containerd.writeNetworkList(networkList);
            Files.writeString(dir.resolve("config.toml"), String.join("\n",
                    "version = 2",
                    "root = \"" + dir.resolve("root") + "\"",
                    "state = \"" + dir.resolve("state") + "\"",
                    "[grpc]",
                    "  address = \"" + containerd.socket() + "\"",
                    "[ttrpc]",
                    "  address = \"" + containerd.socket() + ".ttrpc\"",
                    "[plugins.\"io.containerd.grpc.v1.cri\"]",
                    "  sandbox_image = \"" + PAUSE_IMAGE + "\"",
                    "  restrict_oom_score_adj = true",
                    "  stream_server_address = \"127.0.0.1\"",
                    "  stream_server_port = \"0\"",
                    "  [plugins.\"io.containerd.grpc.v1.cri\".containerd]",
                    "    snapshotter = \"native\"",
                    "    default_runtime_name = \"runc\"",
                    "    [plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.runc]",
                    "      runtime_type = \"io.containerd.runc.v2\"",
                    "  [plugins.\"io.containerd.grpc.v1.cri\".cni]",
                    "    bin_dir = \"" + cniBin + "\"",
                    "    conf_dir = \"" + containerd.networkList().getParent() + "\"",
                    "    max_conf_num = 1",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        containerd.start();
        containerd.importImage(pauseImage);
        return containerd;
    }

    /** The network list in the CRI plugin's {@code conf_dir}, its only one. */
    private Path networkList() {
        return dir.resolve("cni-conf/10-network.conflist");
    }

    /** Replaces the network list; containerd reads it anew when it starts. */
    void writeNetworkList(String list) {
        try {
            Files.writeString(networkList(), list);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path socket() {
        return dir.resolve("containerd.sock");
    }

    Path log() {
        return dir.resolve("containerd.log");
    }

    /** What containerd and the CNI plugins it ran wrote on their stderr so far. */
    String logText() {
        try {
            return Files.readString(log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts containerd again on the same root and state, as a node's service manager restarts it. */
    void start() {
        if (process.isPresent()) {
            throw new IllegalStateException("containerd is running in " + dir);
        }
        ProcessBuilder builder = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
        builder.environment().putAll(environment);
        try {
            process = Optional.of(builder.start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start containerd: install Debian's containerd", e);
        }
        channel = Optional.of(Grpc.newChannelBuilder("unix://" + socket(), InsecureChannelCredentials.create())
                .build());
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (true) {
            try {
                cri().version(VersionRequest.newBuilder().setVersion("v1").build());
                return;
            } catch (RuntimeException notYet) {
                if (!process.get().isAlive() || Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("containerd did not serve CRI on " + socket() + ":\n"
                            + logText(), notYet);
                }
            }
            try {
                process.get().waitFor(50, TimeUnit.MILLISECONDS); // returns at once if containerd ended
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** The CRI runtime service, each call bounded. */
    RuntimeServiceGrpc.RuntimeServiceBlockingStub cri() {
        return RuntimeServiceGrpc.newBlockingStub(channel.orElseThrow())
                .withDeadlineAfter(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** RunPodSandbox as the kubelet sends it for a pod on the pod network; the sandbox id. */
    String runPodSandbox(String namespace, String name, String uid) {
        PodSandboxConfig config = PodSandboxConfig.newBuilder()
                .setMetadata(PodSandboxMetadata.newBuilder().setName(name).setNamespace(namespace).setUid(uid))
                .setHostname(name)
                .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext
                        .newBuilder().setNamespaceOptions(NamespaceOption.newBuilder()
                                .setNetwork(NamespaceMode.POD).setPid(NamespaceMode.CONTAINER)
                                .setIpc(NamespaceMode.POD))))
                .build();
        return cri().runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build()).getPodSandboxId();
    }

    PodSandboxStatus status(String sandboxId) {
        return cri().podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build())
                .getStatus();
    }

    void stopPodSandbox(String sandboxId) {
        cri().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }

    void removePodSandbox(String sandboxId) {
        cri().removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    }

    /** StopPodSandbox (containerd runs the CNI DEL) then RemovePodSandbox, as the kubelet ends a pod. */
    void endPodSandbox(String sandboxId) {
        stopPodSandbox(sandboxId);
        removePodSandbox(sandboxId);
    }

    /** Imports an image archive into the CRI plugin's namespace with containerd's own client. */
    private void importImage(Path archive) {
        HostCommand.run("ctr", "--address", socket().toString(), "--namespace", CRI_NAMESPACE, "images", "import",
                archive.toString());
    }

    /** Stops containerd with SIGTERM, as a service manager does; its pods' shims go on running. */
    void stop() {
        channel.ifPresent(ManagedChannel::shutdownNow);
        channel = Optional.empty();
        process.ifPresent(running -> {
            running.destroy();
            try {
                if (!running.waitFor(30, TimeUnit.SECONDS)) {
                    running.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        process = Optional.empty();
    }

    /** The path of a sandbox's network namespace, from containerd's own account of it (verbose status). */
    Path netnsOf(String sandboxId) {
        try {
            JsonNode info = JSON.readTree(cri().podSandboxStatus(PodSandboxStatusRequest.newBuilder()
                    .setPodSandboxId(sandboxId).setVerbose(true).build()).getInfoOrThrow("info"));
            for (JsonNode namespace : info.at("/runtimeSpec/linux/namespaces")) {
                if (namespace.path("type").asText().equals("network")) {
                    return Path.of(namespace.path("path").asText());
                }
            }
            throw new IllegalStateException("no network namespace in the status of " + sandboxId + ": " + info);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Stops and removes every pod sandbox left, then containerd. A sandbox that CRI cannot end (its CNI DEL
     * fails, say) is ended through containerd's own client instead, and its network namespace removed, so that
     * no shim, pause process or namespace outlives the test; the failure is still reported.
     */
    @Override
    public void close() {
        IllegalStateException failed = new IllegalStateException("pod sandboxes left in " + dir);
        if (process.isPresent()) {
            for (PodSandbox sandbox : cri().listPodSandbox(ListPodSandboxRequest.getDefaultInstance())
                    .getItemsList()) {
                Path netns = netnsOf(sandbox.getId());
                try {
                    endPodSandbox(sandbox.getId());
                } catch (RuntimeException e) {
                    failed.addSuppressed(e);
                    forceRemove(sandbox.getId(), netns);
                }
            }
        }
        stop();
        unmountUnder(dir);
        if (failed.getSuppressed().length > 0) {
            throw failed;
        }
    }

    /** Ends a sandbox's container through ctr (its shim exits with it) and removes its network namespace. */
    private void forceRemove(String sandboxId, Path netns) {
        for (List<String> step : List.of(List.of("tasks", "kill", "--signal", "SIGKILL", sandboxId),
                List.of("tasks", "delete", "--force", sandboxId), List.of("containers", "delete", sandboxId))) {
            List<String> command = new ArrayList<>(List.of("ctr", "--address", socket().toString(), "--namespace",
                    CRI_NAMESPACE));
            command.addAll(step);
            try {
                HostCommand.run(command);
            } catch (IllegalStateException alreadyGone) {
                // What the CRI call did finish is gone already.
            }
        }
        if (Files.exists(netns)) {
            HostCommand.run("umount", netns.toString());
            try {
                Files.delete(netns);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Whatever containerd left mounted in its directory (a sandbox's /dev/shm), deepest first. */
    private static void unmountUnder(Path dir) {
        List<Path> mounts = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                Path mountPoint = Path.of(line.split(" ")[1]);
                if (mountPoint.startsWith(dir)) {
                    mounts.add(mountPoint);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        mounts.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        for (Path mountPoint : mounts) {
            HostCommand.run("umount", mountPoint.toString());
        }
    }
}
