package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;

/**
 * The built plugin in a pod's life on Kubernetes, against fabric8's mock API server in CRUD mode: ADD writes
 * the pod's annotations as the original did, puts the sockets in the pod's {@code shared-dir} volume (through
 * a short link when that directory is too long for a unix socket), writes the Multus device-info file, and
 * reports the interface with its sandbox; DEL takes all of it back. Without credentials the file store alone
 * serves, saying so at {@code info}.
 */
class KubernetesPodIT extends PluginFixtureTest {

    static final String NAMESPACE = "dpdk";
    static final ObjectMapper JSON = new ObjectMapper();

    KubernetesMockServer server;
    KubernetesClient client;

    @BeforeEach
    void startServer() {
        server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        client = server.createClient();
    }

    @AfterEach
    void stopServer() {
        client.close();
        server.destroy();
    }

    Pod pod(String name, List<Volume> volumes) {
        return client.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(NAMESPACE).endMetadata().withNewSpec().addNewContainer().withName("dpdk")
                .withImage("usrsp-ovs:0.1.0").addNewVolumeMount().withName("shared-dir")
                .withMountPath("/var/lib/cni/usrspcni/shared").endVolumeMount().endContainer().withVolumes(volumes)
                .endSpec().build()).create();
    }

    Path kubeconfig() throws Exception {
        return Files.writeString(root.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n"
                + "- name: mock\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "") + "\n"
                + "users:\n- name: cni\n  user:\n    token: node-token\n"
                + "contexts:\n- name: cni@mock\n  context:\n    cluster: mock\n    user: cni\n"
                + "current-context: cni@mock\n");
    }

    CniInvocation plugin(String pod) {
        return plugin(pod, "k8s0123456789abcdef");
    }

    CniInvocation plugin(String pod, String containerId) {
        return fixture.attachment(containerId, "net1")
                .env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + NAMESPACE + ";K8S_POD_NAME=" + pod)
                .env("USERSPACE_CNI_SOCKET_LINK_DIR", root.resolve("links").toString());
    }

    JsonNode annotation(String pod, String key) throws Exception {
        String value = client.pods().inNamespace(NAMESPACE).withName(pod).get().getMetadata().getAnnotations()
                .get(key);
        return value == null ? null : JSON.readTree(value);
    }

    static CniInvocation.Outcome ok(CniInvocation.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        return outcome;
    }

    @Test
    void addWritesThePodsAnnotationsSocketsAndDeviceInfoAndDelTakesThemBack() throws Exception {
        Path volume = Files.createDirectories(root.resolve("pod-a-shared"));
        pod("pod-a", List.of(new VolumeBuilder().withName("shared-dir").withNewHostPath()
                .withPath(volume.toString()).endHostPath().build()));
        Path deviceInfo = root.resolve("multus/devinfo/dpdk-pod-a-net1.json");
        String config = fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig() + "\",\"runtimeConfig\":"
                + "{\"CNIDeviceInfoFile\":\"" + deviceInfo + "\"}");

        CniInvocation.Outcome added = ok(plugin("pod-a").run("ADD", config));
        JsonNode nic = added.json().at("/interfaces/0");
        assertThat(nic.path("sandbox").asText()).isEqualTo(fixture.netns.path().toString());
        assertThat(nic.path("socketPath").asText()).isEqualTo(volume.resolve("k8s012345678-net1").toString());

        JsonNode entries = annotation("pod-a", "userspace/configuration-data");
        assertThat(entries).hasSize(1);
        assertThat(entries.get(0).path("containerId").asText()).isEqualTo("k8s0123456789abcdef");
        assertThat(entries.get(0).path("ifName").asText()).isEqualTo("net1");
        assertThat(entries.get(0).path("socket").asText()).isEqualTo("k8s012345678-net1");
        assertThat(client.pods().inNamespace(NAMESPACE).withName("pod-a").get().getMetadata().getAnnotations())
                .containsEntry("userspace/mapped-dir", "/var/lib/cni/usrspcni/shared");
        assertThat(JSON.readTree(deviceInfo.toFile())).isEqualTo(JSON.readTree("{\"type\":\"vhost-user\","
                + "\"version\":\"1.1.0\",\"vhost-user\":{\"mode\":\"server\",\"path\":\""
                + volume.resolve("k8s012345678-net1") + "\"}}"));

        ok(plugin("pod-a").run("DEL", config));
        assertThat(annotation("pod-a", "userspace/configuration-data")).isNull();
        assertThat(deviceInfo).doesNotExist();
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.dataDir().resolve("k8s0123456789abcdef")).doesNotExist();
        ok(plugin("pod-a").run("DEL", config));
    }

    /** The ADD above found the store there: nothing of it is on the class path every command searches. */
    @Test
    void theStoreAndItsClientComeFromTheirOwnDirectoryOffTheClassPath() throws Exception {
        Path home = PluginFixture.plugin().resolveSibling("userspace.d");
        try (var lib = Files.list(home.resolve("lib")); var stores = Files.list(home.resolve(PodStoreJars.DIRECTORY))) {
            assertThat(lib.map(jar -> jar.getFileName().toString()))
                    .noneMatch(jar -> jar.startsWith("store-kubernetes") || jar.startsWith("kubernetes-"))
                    .anyMatch(jar -> jar.startsWith("host-plugin"));
            assertThat(stores.map(jar -> jar.getFileName().toString()))
                    .anyMatch(jar -> jar.startsWith("store-kubernetes"))
                    .anyMatch(jar -> jar.startsWith("kubernetes-client"))
                    .noneMatch(jar -> jar.startsWith("jackson-databind"));
        }
    }

    @Test
    void aPodSocketDirectoryThatTwoContainerIdsNameStaysUntilTheLastOfThemIsDeleted() throws Exception {
        pod("pod-b", List.of());
        pod("pod-c", List.of());
        String config = fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig() + "\"");
        Path dir = fixture.sharedDir().resolve("k8s012345678");

        ok(plugin("pod-b", "k8s0123456789abcdef").run("ADD", config));
        ok(plugin("pod-c", "k8s0123456789fedcba").run("ADD", config));
        ok(plugin("pod-b", "k8s0123456789abcdef").run("DEL", config));
        assertThat(dir).as("pod-c's socket directory, still empty").isEmptyDirectory();

        ok(plugin("pod-c", "k8s0123456789fedcba").run("DEL", config));
        assertThat(dir).doesNotExist();
    }

    @Test
    void aSocketDirectoryTooLongForAUnixSocketIsReachedThroughAShortLink() throws Exception {
        String uid = pod("pod-b", List.of()).getMetadata().getUid();
        Path longShared = root.resolve("s".repeat(90));
        String config = fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig() + "\"")
                .replace("\"sharedDir\":\"" + fixture.sharedDir() + "\"", "\"sharedDir\":\"" + longShared + "\"");
        CniInvocation.Outcome added = ok(plugin("pod-b").run("ADD", config));
        Path link = root.resolve("links").resolve(uid);
        assertThat(added.json().at("/interfaces/0/socketPath").asText()).isEqualTo(link.resolve("k8s012345678-net1")
                .toString());
        assertThat(Files.readSymbolicLink(link)).isEqualTo(longShared.resolve("k8s012345678"));

        ok(plugin("pod-b").run("DEL", config));
        assertThat(link).doesNotExist();
        assertThat(longShared.resolve("k8s012345678")).doesNotExist();
    }

    @Test
    void aPodTheApiDoesNotKnowIsErrorThreeAndNothingIsLeft() throws Exception {
        String config = fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig() + "\"");
        CniInvocation.Outcome refused = plugin("no-such-pod").run("ADD", config);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.json().path("code").asInt()).isEqualTo(3);
        assertThat(refused.json().path("msg").asText()).isEqualTo("pod dpdk/no-such-pod is not in the Kubernetes API");
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.ipam.leases()).isEmpty();
        ok(plugin("no-such-pod").run("DEL", config));
    }

    @Test
    void withoutCredentialsTheFileStoreServesQuietly() {
        String config = fixture.config("1.1.0", "");
        CniInvocation.Outcome added = ok(plugin("pod-c").run("ADD", config));
        assertThat(added.stderr()).as("a normal configuration: no warning on every ADD").isEmpty();
        assertThat(added.json().at("/interfaces/0/socketPath").asText())
                .isEqualTo(fixture.sharedDir().resolve("k8s012345678-net1").toString());
        assertThat(fixture.dataDir().resolve("k8s0123456789abcdef/net1.json")).exists();
        assertThat(ok(plugin("pod-c").run("DEL", config)).stderr()).as("nor on every DEL").isEmpty();

        String told = fixture.config("1.1.0", ",\"logLevel\":\"info\"");
        assertThat(ok(plugin("pod-c").run("ADD", told)).stderr())
                .contains("no kubeconfig in the configuration and no in-cluster credentials");
        ok(plugin("pod-c").run("DEL", told));
    }
}
