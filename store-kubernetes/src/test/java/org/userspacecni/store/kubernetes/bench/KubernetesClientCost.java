package org.userspacecni.store.kubernetes.bench;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much the fabric8 client costs a short-lived process, against the JDK's HTTP client: both candidates
 * read and write a pod on fabric8's mock API server, each in a fresh JVM, in turns, {@code ROUNDS} times.
 * Prints the median and the 10th/90th percentiles of whole-process wall time in milliseconds.
 * Usage: {@code KubernetesClientCost [ROUNDS]} with this module's test class path; the probes run with
 * {@code -Dprobe.classpath} if given (the plugin's own jars and the probe, as in {@code scripts/bench}).
 */
public final class KubernetesClientCost {

    private KubernetesClientCost() {
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient()) {
            client.pods().inNamespace("bench").resource(new PodBuilder().withNewMetadata().withName("pod")
                    .withNamespace("bench").addToAnnotations("seed", "1").endMetadata().withNewSpec()
                    .addNewContainer().withName("c").withImage("i:1").endContainer().endSpec().build()).create();
            Map<String, List<Long>> times = new LinkedHashMap<>();
            for (String mode : List.of("jdk", "fabric8")) {
                times.put(mode, new ArrayList<>());
                run(mode, server.url("/")); // warm the file cache once
            }
            for (int round = 0; round < rounds; round++) {
                for (String mode : times.keySet()) {
                    times.get(mode).add(run(mode, server.url("/")));
                }
            }
            times.forEach((mode, list) -> {
                list.sort(null);
                System.out.printf("%-8s median %4d ms   p10 %4d   p90 %4d   (%d runs)%n", mode,
                        list.get(list.size() / 2), list.get(list.size() / 10), list.get(list.size() * 9 / 10),
                        list.size());
            });
        } finally {
            server.destroy();
        }
    }

    private static long run(String mode, String url) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        long start = System.nanoTime();
        // The JVM flags of the plugin's launcher.
        Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-XX:-UsePerfData", "-cp",
                System.getProperty("probe.classpath", System.getProperty("java.class.path")),
                ClientStartupProbe.class.getName(), mode, url, "bench", "pod")
                .inheritIO().start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(mode + " probe failed");
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
