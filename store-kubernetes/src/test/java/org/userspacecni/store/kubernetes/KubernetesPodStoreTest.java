package org.userspacecni.store.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.Json;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.store.ConfigAnnotations;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.BridgeConfig;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifConfig;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStore;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.VhostConfig;

/**
 * The pod store against fabric8's mock Kubernetes API server in CRUD mode (real HTTP, real JSON, resource
 * versions): entries merged per attachment, DEL of one leaving the other, concurrent writers, the pod's
 * socket directory from its volumes, and the clear errors and fallbacks.
 */
class KubernetesPodStoreTest {

    static final String NAMESPACE = "dpdk";

    @TempDir
    Path root;
    KubernetesMockServer server;
    KubernetesClient client;
    final List<String> warnings = new ArrayList<>();

    @BeforeEach
    void start() {
        server = mockServer(false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    Pod pod(String name, String volume) {
        List<Volume> volumes = new ArrayList<>();
        if (volume.equals("hostPath")) {
            volumes.add(new VolumeBuilder().withName("shared-dir").withNewHostPath().withPath("/var/lib/usrsp/pod-a")
                    .endHostPath().build());
        } else if (volume.equals("emptyDir")) {
            volumes.add(new VolumeBuilder().withName("shared-dir").withNewEmptyDir().endEmptyDir().build());
        }
        Pod pod = new PodBuilder().withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToAnnotations("operator/own", "kept").endMetadata()
                .withNewSpec().addNewContainer().withName("dpdk").withImage("usrsp-ovs:0.1.0")
                .addNewVolumeMount().withName("shared-dir").withMountPath("/var/run/usrsp").endVolumeMount()
                .endContainer().withVolumes(volumes).endSpec().build();
        return client.pods().inNamespace(NAMESPACE).resource(pod).create();
    }

    /** A kubeconfig for the mock server with a bearer token, as kubectl writes it. */
    Path kubeconfig() throws Exception {
        return Files.writeString(root.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n"
                + "- name: mock\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "") + "\n"
                + "users:\n- name: cni\n  user:\n    token: s3cr3t-token\n"
                + "contexts:\n- name: cni@mock\n  context:\n    cluster: mock\n    user: cni\n"
                + "current-context: cni@mock\n");
    }

    PodStore open(String podName, Optional<Path> kubeconfig, Map<String, String> environment) {
        NetConf netConf = new NetConf("1.0.0", "net", "userspace", side(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), kubeconfig.map(Path::toString), Optional.empty(), null,
                Optional.empty());
        System.Logger log = new RecordingLogger(warnings);
        return new KubernetesPodStoreProvider().open(netConf, Map.of("K8S_POD_NAMESPACE", NAMESPACE,
                "K8S_POD_NAME", podName), new ProgramContext(environment, log)).orElseThrow();
    }

    static Side side() {
        return new Side("ovs-dpdk", InterfaceType.VHOSTUSER, Optional.empty(), VhostConfig.EMPTY, MemifConfig.EMPTY,
                BridgeConfig.EMPTY, Map.of());
    }

    static ContainerConfig config(String containerId, String ifName) {
        return new ContainerConfig(ContainerConfig.SCHEMA_VERSION, containerId, ifName, "net", side(),
                Map.of("cniVersion", "1.0.0"), containerId.substring(0, 12) + "-" + ifName, "02:00:00:00:00:01",
                Optional.empty(), Optional.empty());
    }

    JsonNode entries(String podName) throws Exception {
        Map<String, String> annotations = client.pods().inNamespace(NAMESPACE).withName(podName).get().getMetadata()
                .getAnnotations();
        String data = annotations.get(ConfigAnnotations.CONFIGURATION_DATA);
        return data == null ? Json.mapper().createArrayNode() : Json.mapper().readTree(data);
    }

    @Test
    void twoAttachmentsInOnePodAreTwoEntriesAndDelOfOneLeavesTheOther() throws Exception {
        pod("pod-a", "hostPath");
        try (PodStore store = open("pod-a", Optional.of(kubeconfig()), Map.of())) {
            store.put(config("c0ffee0123456789", "net1"));
            store.put(config("c0ffee0123456789", "net2"));
            store.put(config("c0ffee0123456789", "net2")); // again: replaced, not doubled
            JsonNode entries = entries("pod-a");
            assertThat(entries).hasSize(2);
            assertThat(entries.get(0).path("containerId").asText()).isEqualTo("c0ffee0123456789");
            assertThat(entries.get(0).has("ifName") && entries.get(0).has("name") && entries.get(0).has("config")
                    && entries.get(0).has("ipResult")).isTrue();
            Map<String, String> annotations = client.pods().inNamespace(NAMESPACE).withName("pod-a").get()
                    .getMetadata().getAnnotations();
            assertThat(annotations).containsEntry(ConfigAnnotations.MAPPED_DIR, "/var/run/usrsp")
                    .containsEntry("operator/own", "kept");

            store.delete(new AttachmentId("c0ffee0123456789", "net1"));
            assertThat(entries("pod-a")).singleElement()
                    .satisfies(entry -> assertThat(entry.path("ifName").asText()).isEqualTo("net2"));
            store.delete(new AttachmentId("c0ffee0123456789", "net2"));
            assertThat(client.pods().inNamespace(NAMESPACE).withName("pod-a").get().getMetadata().getAnnotations())
                    .doesNotContainKeys(ConfigAnnotations.CONFIGURATION_DATA, ConfigAnnotations.MAPPED_DIR)
                    .containsEntry("operator/own", "kept");
        }
    }

    @Test
    void concurrentWritersConflictAndEveryEntryLands() throws Exception {
        pod("pod-b", "none");
        Path kubeconfig = kubeconfig();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String ifName = "net" + i;
                done.add(pool.submit(() -> {
                    try (PodStore store = open("pod-b", Optional.of(kubeconfig), Map.of())) {
                        store.put(config("beef000123456789", ifName));
                    }
                }));
            }
            for (Future<?> writer : done) {
                writer.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(entries("pod-b")).hasSize(writers);
    }

    @Test
    void whatOthersWroteBetweenOurWritesSurvives() throws Exception {
        pod("pod-c", "none");
        try (PodStore store = open("pod-c", Optional.of(kubeconfig()), Map.of())) {
            store.put(config("aaaa000123456789", "net1"));
            client.pods().inNamespace(NAMESPACE).withName("pod-c").edit(pod -> {
                pod.getMetadata().getAnnotations().put("other/writer", "1");
                return pod;
            });
            store.put(config("aaaa000123456789", "net2"));
        }
        assertThat(entries("pod-c")).hasSize(2);
        assertThat(client.pods().inNamespace(NAMESPACE).withName("pod-c").get().getMetadata().getAnnotations())
                .containsEntry("other/writer", "1");
    }

    @Test
    void theSharedDirVolumeIsThePodsSocketDirectory() throws Exception {
        pod("pod-host", "hostPath");
        String uid = pod("pod-empty", "emptyDir").getMetadata().getUid();
        pod("pod-none", "none");
        try (PodStore host = open("pod-host", Optional.of(kubeconfig()), Map.of());
                PodStore empty = open("pod-empty", Optional.of(kubeconfig()),
                        Map.of("USERSPACE_CNI_KUBELET_DIR", "/data/kubelet"));
                PodStore none = open("pod-none", Optional.of(kubeconfig()), Map.of())) {
            assertThat(host.sharedDir()).contains(Path.of("/var/lib/usrsp/pod-a"));
            assertThat(empty.sharedDir()).contains(Path.of("/data/kubelet/pods/" + uid
                    + "/volumes/kubernetes.io~empty-dir/shared-dir"));
            assertThat(empty.podUid()).isEqualTo(uid);
            assertThat(none.sharedDir()).isEmpty();
        }
    }

    @Test
    void aPodTheApiDoesNotKnowIsErrorThreeAndItsDelSucceeds() throws Exception {
        try (PodStore store = open("no-such-pod", Optional.of(kubeconfig()), Map.of())) {
            assertThatThrownBy(() -> store.put(config("dddd000123456789", "net1")))
                    .isInstanceOfSatisfying(CniException.class, e -> {
                        assertThat(e.code()).isEqualTo(3);
                        assertThat(e.getMessage()).isEqualTo("pod dpdk/no-such-pod is not in the Kubernetes API");
                    });
            store.delete(new AttachmentId("dddd000123456789", "net1"));
        }
    }

    @Test
    void anApiServerThatIsAwayIsElevenWithoutTheToken() throws Exception {
        pod("pod-d", "none");
        Path kubeconfig = kubeconfig();
        server.destroy();
        try (PodStore store = open("pod-d", Optional.of(kubeconfig), Map.of())) {
            assertThatThrownBy(() -> store.put(config("eeee000123456789", "net1")))
                    .isInstanceOfSatisfying(CniException.class, e -> {
                        assertThat(e.code()).as(e.getMessage()).isEqualTo(11);
                        assertThat(e.getMessage()).doesNotContain("s3cr3t-token");
                    });
        }
    }

    @Test
    void withoutCredentialsOrPodTheStoreStaysOutOfTheWayWithoutAWarning() {
        NetConf netConf = new NetConf("1.0.0", "net", "userspace", side(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), null, Optional.empty());
        ProgramContext context = new ProgramContext(Map.of(), new RecordingLogger(warnings));
        KubernetesPodStoreProvider provider = new KubernetesPodStoreProvider();
        assertThat(provider.open(netConf, Map.of(), context)).isEmpty();
        assertThat(warnings).isEmpty();
        assertThat(provider.open(netConf, Map.of("K8S_POD_NAMESPACE", NAMESPACE, "K8S_POD_NAME", "p"), context))
                .isEmpty();
        assertThat(warnings).as("a configuration without the store is no fault: said at info (KubernetesPodIT)")
                .isEmpty();
    }

    @Test
    void theInClusterServiceAccountServesOverTlsCheckedAgainstItsCa() throws Exception {
        KubernetesMockServer tls = mockServer(true);
        tls.init();
        try (KubernetesClient admin = tls.createClient()) {
            createPod(admin, "pod-tls");
            Path account = Files.createDirectories(root.resolve("serviceaccount"));
            Files.writeString(account.resolve("token"), "in-cluster-token\n");
            Files.writeString(account.resolve("ca.crt"), pem(tls.getHostName(), tls.getPort()));
            Map<String, String> inCluster = Map.of("KUBERNETES_SERVICE_HOST", tls.getHostName(),
                    "KUBERNETES_SERVICE_PORT", String.valueOf(tls.getPort()), "USERSPACE_CNI_SERVICE_ACCOUNT_DIR",
                    account.toString());
            try (PodStore store = open("pod-tls", Optional.empty(), inCluster)) {
                store.put(config("ffff000123456789", "net1"));
            }
            assertThat(admin.pods().inNamespace(NAMESPACE).withName("pod-tls").get().getMetadata().getAnnotations())
                    .containsKey(ConfigAnnotations.CONFIGURATION_DATA);
            // A CA that did not sign the server's certificate (the first of the system's): refused, not trusted.
            String bundle = Files.readString(Path.of("/etc/ssl/certs/ca-certificates.crt"));
            Files.writeString(account.resolve("ca.crt"), bundle.substring(0, bundle.indexOf("-----END CERTIFICATE-----")
                    + "-----END CERTIFICATE-----".length()) + "\n");
            try (PodStore store = open("pod-tls", Optional.empty(), inCluster)) {
                assertThatThrownBy(() -> store.put(config("ffff000123456789", "net2")))
                        .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(11));
            }
        } finally {
            tls.destroy();
        }
    }

    @Test
    void aKubeconfigWithACaBundleAndAClientCertificateAndKeyIsRead() throws Exception {
        KubernetesMockServer tls = mockServer(true);
        tls.init();
        try (KubernetesClient admin = tls.createClient()) {
            createPod(admin, "pod-cert");
            Path ca = Files.writeString(root.resolve("ca.crt"), pem(tls.getHostName(), tls.getPort()));
            Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", root.resolve("node.key").toString(), "-out", root.resolve("node.crt").toString(),
                    "-days", "1", "-subj", "/CN=system:node:test").redirectErrorStream(true).start();
            assertThat(openssl.waitFor()).as(new String(openssl.getInputStream().readAllBytes())).isZero();
            Path kubeconfig = Files.writeString(root.resolve("kubeconfig-cert"), "apiVersion: v1\nkind: Config\n"
                    + "clusters:\n- name: tls\n  cluster:\n    server: https://" + tls.getHostName() + ":" + tls.getPort()
                    + "\n    certificate-authority: " + ca + "\nusers:\n- name: node\n  user:\n"
                    + "    client-certificate: node.crt\n    client-key: node.key\n"
                    + "contexts:\n- name: node@tls\n  context:\n    cluster: tls\n    user: node\n"
                    + "current-context: node@tls\n");
            try (PodStore store = open("pod-cert", Optional.of(kubeconfig), Map.of())) {
                store.put(config("cccc000123456789", "net1")); // relative paths: next to the kubeconfig
            }
            assertThat(admin.pods().inNamespace(NAMESPACE).withName("pod-cert").get().getMetadata().getAnnotations())
                    .containsKey(ConfigAnnotations.CONFIGURATION_DATA);
        } finally {
            tls.destroy();
        }
    }

    /** fabric8's mock API server in CRUD mode: real HTTP (or HTTPS with its own certificate), resource versions. */
    static KubernetesMockServer mockServer(boolean tls) {
        return new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), tls);
    }

    /** The least pod the API server takes. */
    static void createPod(KubernetesClient admin, String name) {
        admin.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("c").withImage("i:1").endContainer().endSpec().build())
                .create();
    }

    /** The server's certificate, as PEM, read from a TLS handshake that trusts it for the reading. */
    static String pem(String host, int port) throws Exception {
        javax.net.ssl.SSLContext trustAll = javax.net.ssl.SSLContext.getInstance("TLS");
        trustAll.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) {
            }

            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) trustAll.getSocketFactory()
                .createSocket(host, port)) {
            socket.startHandshake();
            byte[] der = socket.getSession().getPeerCertificates()[0].getEncoded();
            return "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder(64, "\n".getBytes())
                    .encodeToString(der) + "\n-----END CERTIFICATE-----\n";
        }
    }

    @Test
    void anUnreadableKubeconfigIsSeven() {
        assertThatThrownBy(() -> open("pod-a", Optional.of(root.resolve("missing")), Map.of()))
                .isInstanceOfSatisfying(CniException.class, e -> assertThat(e.code()).isEqualTo(7));
    }
}
