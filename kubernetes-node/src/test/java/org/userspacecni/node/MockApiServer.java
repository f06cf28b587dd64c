package org.userspacecni.node;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;

/**
 * fabric8's mock API server in CRUD mode, the one fake of a node's world (no API server runs here): it speaks
 * the Kubernetes API to the plugin's Kubernetes store, through the kubeconfig a network names, and holds the pods
 * a test creates as the scheduler would have bound them.
 */
final class MockApiServer implements AutoCloseable {

    private final KubernetesMockServer server;
    private final KubernetesClient client;

    private MockApiServer(KubernetesMockServer server) {
        this.server = server;
        this.client = server.createClient();
    }

    static MockApiServer start() {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        return new MockApiServer(server);
    }

    KubernetesClient client() {
        return client;
    }

    /** Writes a kubeconfig for this server at {@code file} (a token the mock takes, no TLS). */
    Path writeKubeconfig(Path file) throws IOException {
        return Files.writeString(file, "apiVersion: v1\nkind: Config\nclusters:\n"
                + "- name: mock\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "") + "\n"
                + "users:\n- name: cni\n  user:\n    token: node-token\n"
                + "contexts:\n- name: cni@mock\n  context:\n    cluster: mock\n    user: cni\n"
                + "current-context: cni@mock\n");
    }

    /** Creates the pod {@code namespace/name} with one container; its uid. */
    String createPod(String namespace, String name) {
        return client.pods().inNamespace(namespace).resource(new PodBuilder().withNewMetadata().withName(name)
                .withNamespace(namespace).endMetadata().withNewSpec().addNewContainer().withName("dpdk")
                .withImage("usrsp-ovs:0.1.0").endContainer().endSpec().build()).create().getMetadata().getUid();
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
