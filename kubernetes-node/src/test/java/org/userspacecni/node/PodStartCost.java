package org.userspacecni.node;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.userspacecni.node.cri.PodSandboxState;
import org.userspacecni.testkit.HostCommand;
import org.userspacecni.testkit.HostLocalIpam;
import org.userspacecni.testkit.OvsSandbox;

/**
 * What the plugin adds to a pod's start and end on a containerd node (scripts/bench-cri): the wall time of
 * RunPodSandbox until the sandbox is ready, and of StopPodSandbox plus RemovePodSandbox, as the kubelet sees
 * them, for the plugin on a private OVS-DPDK standalone (a JVM per command) and through its daemon, each with
 * the file store and with the Kubernetes store (fabric8's mock API server), against the reference
 * {@code bridge} plugin with host-local on the same containerd as the baseline. The plugin is the one
 * {@code scripts/build} made, with its class-data-sharing archive, as the installer leaves it on a node. One containerd per candidate,
 * the candidates in turns, a pod at a time. Prints the median and the 10th and 90th percentiles in
 * milliseconds. Measured, never asserted.
 */
public final class PodStartCost {

    private PodStartCost() {
    }

    record Candidate(String name, PrivateContainerd containerd, boolean inApi) {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path root = Files.createTempDirectory("usrsp-bench-cri");
        Path plugin = Path.of(System.getProperty("userspace.plugin"));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"));
            started.add(ovs);
            ovs.startVswitchd("usrsp-bcri");
            // The operator's bridge, as on a node that runs pods: ADD and DEL add and remove a port, and the
            // bridge outlives them (one the plugin made would go with its last port, and come with the next).
            ovs.vsctl("add-br", "br-bench", "--", "set", "Bridge", "br-bench", "datapath_type=netdev");
            MockApiServer api = MockApiServer.start();
            started.add(api);
            Path kubeconfig = api.writeKubeconfig(root.resolve("kubeconfig"));
            Path pause = PauseImage.build(root.resolve("pause"), PrivateContainerd.PAUSE_IMAGE);
            PluginDaemon daemon = PluginDaemon.start(plugin, root.resolve("daemon"));
            started.add(daemon);

            String ipam = HostLocalIpam.in(root.resolve("ipam")).section();
            String userspace = "{\"type\":\"userspace\",\"dataDir\":\"" + root.resolve("data") + "\",\"sharedDir\":\""
                    + root.resolve("shared") + "\",%s\"host\":{\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\","
                    + "\"netType\":\"bridge\",\"bridge\":{\"bridgeName\":\"br-bench\"},\"options\":{\"ovsdbSocket\":\""
                    + ovs.dbSocket() + "\"}},\"ipam\":" + ipam + "}";
            String fileStore = String.format(userspace, "");
            String kubeStore = String.format(userspace, "\"kubeconfig\":\"" + kubeconfig + "\",");
            String bridge = "{\"type\":\"bridge\",\"bridge\":\"usrspbench0\",\"ipam\":" + ipam + "}";

            List<Candidate> candidates = new ArrayList<>();
            Map<String, String> standalone = Map.of();
            candidates.add(candidate(root, "baseline: bridge + host-local", bridge, plugin, pause, standalone,
                    false, started));
            candidates.add(candidate(root, "userspace standalone, file store", fileStore, plugin, pause, standalone,
                    false, started));
            candidates.add(candidate(root, "userspace daemon, file store", fileStore, plugin, pause,
                    daemon.clientEnvironment(), false, started));
            candidates.add(candidate(root, "userspace standalone, kubernetes store", kubeStore, plugin, pause,
                    standalone, true, started));
            candidates.add(candidate(root, "userspace daemon, kubernetes store", kubeStore, plugin, pause,
                    daemon.clientEnvironment(), true, started));

            Map<String, List<Double>> run = new LinkedHashMap<>();
            Map<String, List<Double>> end = new LinkedHashMap<>();
            for (int round = -1; round < rounds; round++) { // round -1 warms every candidate up, unrecorded
                for (Candidate candidate : candidates) {
                    String name = "bench-" + UUID.randomUUID().toString().substring(0, 8);
                    String uid = candidate.inApi() ? api.createPod("bench", name) : UUID.randomUUID().toString();
                    PrivateContainerd node = candidate.containerd();
                    long start = System.nanoTime();
                    String id = node.runPodSandbox("bench", name, uid);
                    PodSandboxState state = node.status(id).getState();
                    long ready = System.nanoTime();
                    if (state != PodSandboxState.SANDBOX_READY) {
                        throw new IllegalStateException(candidate.name() + ": sandbox " + id + " is " + state);
                    }
                    node.endPodSandbox(id);
                    long gone = System.nanoTime();
                    if (round >= 0) {
                        run.computeIfAbsent(candidate.name(), key -> new ArrayList<>()).add((ready - start) / 1e6);
                        end.computeIfAbsent(candidate.name(), key -> new ArrayList<>()).add((gone - ready) / 1e6);
                    }
                }
            }
            System.out.println("| candidate | RunPodSandbox to ready: median ms | p10 | p90 "
                    + "| Stop + RemovePodSandbox: median ms | p10 | p90 |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (Candidate candidate : candidates) {
                List<Double> a = run.get(candidate.name());
                List<Double> b = end.get(candidate.name());
                System.out.printf("| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f |%n", candidate.name(),
                        percentile(a, 50), percentile(a, 10), percentile(a, 90), percentile(b, 50),
                        percentile(b, 10), percentile(b, 90));
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
            HostCommand.run("ip", "link", "delete", "usrspbench0");
            HostCommand.run("rm", "-rf", root.toString());
        }
    }

    private static Candidate candidate(Path root, String name, String plugin, Path launcher, Path pause,
            Map<String, String> environment, boolean inApi, List<AutoCloseable> started) {
        String networkList = "{\"cniVersion\":\"1.0.0\",\"name\":\"bench-" + started.size() + "\",\"plugins\":["
                + plugin + "]}";
        PrivateContainerd containerd = PrivateContainerd.start(root.resolve("containerd-" + started.size()),
                launcher, List.of("loopback", "host-local", "bridge"), networkList, environment, pause);
        started.add(containerd);
        return new Candidate(name, containerd, inApi);
    }

    private static double percentile(List<Double> values, int percent) {
        List<Double> sorted = values.stream().sorted().toList();
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.round(percent / 100.0 * (sorted.size() - 1))));
    }
}
