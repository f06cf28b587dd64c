package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;

/**
 * No secret of the Kubernetes credentials reaches a log line or an error: with a kubeconfig that holds a bearer
 * token, a basic-auth password and a client certificate with its key (made by openssl for the test), the built
 * plugin at {@code logLevel: debug} with a {@code logFile} goes through an API server that is not there, one that
 * answers 401 and 403 echoing the token, one whose certificate it does not trust, a kubeconfig that does not
 * parse around the secrets, and a pod the API does not know; ADD fails with its code, DEL runs too (it fails
 * where the pod's annotations cannot be withdrawn), and the token, the password and every line of the key's PEM body appear nowhere in stdout, stderr or the log file.
 */
class SecuritySecretsIT extends PluginFixtureTest {

    static final String NAMESPACE = "dpdk";
    static final String POD = "pod-s";

    String token;
    String password;
    String keyPem;
    String certPem;

    @BeforeEach
    void makeCredentials() throws Exception {
        token = "tok" + UUID.randomUUID().toString().replace("-", "");
        password = "pw" + UUID.randomUUID().toString().replace("-", "");
        Path key = root.resolve("client.key");
        Path cert = root.resolve("client.crt");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout",
                key.toString(), "-out", cert.toString(), "-subj", "/CN=system:node:test", "-days", "1")
                .redirectErrorStream(true).redirectOutput(root.resolve("openssl.out").toFile()).start();
        assertThat(openssl.waitFor()).as(Files.readString(root.resolve("openssl.out"))).isZero();
        keyPem = Files.readString(key);
        certPem = Files.readString(cert);
    }

    /** Everything that must never be printed: the token, the password, the key in base64 and each PEM line. */
    List<String> secrets() {
        List<String> secrets = new ArrayList<>(List.of(token, password, base64(keyPem)));
        keyPem.lines().filter(line -> !line.startsWith("-----")).forEach(secrets::add);
        return secrets;
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    Path kubeconfig(String server) throws Exception {
        return Files.writeString(root.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nclusters:\n"
                + "- name: c\n  cluster:\n    server: " + server + "\n"
                + "users:\n- name: u\n  user:\n    token: " + token + "\n    username: cni\n    password: " + password
                + "\n    client-certificate-data: " + base64(certPem) + "\n    client-key-data: " + base64(keyPem)
                + "\ncontexts:\n- name: x\n  context:\n    cluster: c\n    user: u\ncurrent-context: x\n");
    }

    CniInvocation plugin() {
        return fixture.attachment("sec0123456789abcdef", "net1")
                .env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + NAMESPACE + ";K8S_POD_NAME=" + POD);
    }

    String config(Path kubeconfig) {
        return fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig + "\",\"logLevel\":\"debug\","
                + "\"logFile\":\"" + root.resolve("plugin.log") + "\"");
    }

    /** ADD fails with {@code code}, DEL runs, and no secret is in anything the plugin printed or logged. */
    void addFailsAndNothingLeaks(Path kubeconfig, int code, String inMessage) throws Exception {
        CniInvocation.Outcome added = plugin().run("ADD", config(kubeconfig));
        CniInvocation.Outcome deleted = plugin().run("DEL", config(kubeconfig));
        String log = Files.readString(root.resolve("plugin.log"));
        assertThat(added.exitCode()).as(added.stdout() + added.stderr()).isEqualTo(1);
        assertThat(added.json().path("code").asInt()).as(added.stdout()).isEqualTo(code);
        assertThat(added.json().path("msg").asText()).contains(inMessage);
        assertThat(log).contains("[debug]");
        for (String secret : secrets()) {
            for (String printed : List.of(added.stdout(), added.stderr(), deleted.stdout(), deleted.stderr(), log)) {
                assertThat(printed).as("a secret was printed").doesNotContain(secret);
            }
        }
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.ipam.leases()).isEmpty();
    }

    @Test
    void anApiServerThatIsNotThere() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0)) {
            port = closed.getLocalPort();
        }
        addFailsAndNothingLeaks(kubeconfig("https://127.0.0.1:" + port), 11, "in the Kubernetes API");
    }

    @Test
    void unauthorizedAndForbiddenAnswersThatEchoTheToken() throws Exception {
        for (int status : List.of(401, 403)) {
            KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
                    new HashMap<>(), false);
            server.init();
            try {
                server.expect().get().withPath("/api/v1/namespaces/" + NAMESPACE + "/pods/" + POD)
                        .andReturn(status, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                                + "\"message\":\"token " + token + " and password " + password + " refused\","
                                + "\"reason\":\"Unauthorized\",\"code\":" + status + "}").always();
                addFailsAndNothingLeaks(kubeconfig(server.url("/").replaceAll("/$", "")), 5, "HTTP " + status);
            } finally {
                server.destroy();
            }
        }
    }

    @Test
    void anApiServerWhoseCertificateIsNotTrusted() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), true);
        server.init();
        try {
            addFailsAndNothingLeaks(kubeconfig(server.url("/").replaceAll("/$", "")), 11, "in the Kubernetes API");
        } finally {
            server.destroy();
        }
    }

    @Test
    void aKubeconfigThatDoesNotParseAroundItsSecrets() throws Exception {
        Path broken = Files.writeString(root.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\nusers:\n"
                + "- name: u\n  user:\n    token: [" + token + "\n    password: " + password + "\n"
                + "    client-key-data: \"" + base64(keyPem) + "\n  : {" + keyPem.lines().skip(1).findFirst()
                .orElseThrow() + "\n");
        addFailsAndNothingLeaks(broken, 7, "is not a valid kubeconfig");
    }

    @Test
    void aPodTheApiDoesNotKnow() throws Exception {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient admin = server.createClient()) {
            admin.pods().inNamespace(NAMESPACE).resource(new PodBuilder().withNewMetadata().withName("other")
                    .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i:1").endContainer()
                    .endSpec().build()).create();
            addFailsAndNothingLeaks(kubeconfig(server.url("/").replaceAll("/$", "")), 3, "is not in the Kubernetes API");
        } finally {
            server.destroy();
        }
    }
}
