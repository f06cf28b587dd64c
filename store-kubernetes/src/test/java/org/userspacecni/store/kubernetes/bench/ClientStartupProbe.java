package org.userspacecni.store.kubernetes.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * What the kubernetes store does in one CNI ADD, done by a fresh JVM in one of two ways, for
 * {@link KubernetesClientCost} to time: read a pod and write it back with one more annotation, through the
 * fabric8 client, or through the JDK's own HTTP client and Jackson. Usage: {@code fabric8|jdk URL NAMESPACE POD}.
 */
public final class ClientStartupProbe {

    private ClientStartupProbe() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[1];
        String namespace = args[2];
        String name = args[3];
        if (args[0].equals("fabric8")) {
            Config config = new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken("token").build();
            try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
                Pod pod = client.pods().inNamespace(namespace).withName(name).get();
                pod.getMetadata().getAnnotations().put("probe", String.valueOf(System.nanoTime()));
                client.pods().inNamespace(namespace).resource(pod).update();
            }
        } else {
            ObjectMapper json = new ObjectMapper();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            URI uri = URI.create(url.replaceAll("/$", "") + "/api/v1/namespaces/" + namespace + "/pods/" + name);
            HttpResponse<String> got = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer token")
                    .GET().build(), HttpResponse.BodyHandlers.ofString());
            ObjectNode pod = (ObjectNode) json.readTree(got.body());
            ((ObjectNode) pod.path("metadata").path("annotations")).put("probe", String.valueOf(System.nanoTime()));
            HttpResponse<String> put = http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer token")
                    .header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(
                            json.writeValueAsString(pod))).build(), HttpResponse.BodyHandlers.ofString());
            if (put.statusCode() != 200) {
                throw new IllegalStateException("PUT answered " + put.statusCode());
            }
        }
    }
}
