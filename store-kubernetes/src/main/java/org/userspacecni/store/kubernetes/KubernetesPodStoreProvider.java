package org.userspacecni.store.kubernetes;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.userspacecni.spi.BackendContext;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.PodStore;
import org.userspacecni.spi.PodStoreProvider;
import org.userspacecni.spi.SpiVersion;

/**
 * The {@code kubernetes} pod store, for an attachment whose {@code CNI_ARGS} name its pod
 * ({@code K8S_POD_NAMESPACE}, {@code K8S_POD_NAME}) and with credentials: the netconf's {@code kubeconfig}
 * (bearer tokens, client certificates and keys, CA bundles, as kubectl reads them), else the in-cluster
 * service account ({@code KUBERNETES_SERVICE_HOST} and {@code _PORT}, and the token and CA mounted at
 * {@link #SERVICE_ACCOUNT}, or where {@code USERSPACE_CNI_SERVICE_ACCOUNT_DIR} says).
 * Without either it logs a warning and stays out of the way, and the file store alone carries the
 * configuration (the original crashed here).
 */
public final class KubernetesPodStoreProvider implements PodStoreProvider {

    public static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    static final int REQUEST_TIMEOUT_MS = 10_000;
    /** This process's clients: the daemon's requests share them ({@link SharedClients}). */
    private static final SharedClients<Client> CLIENTS = new SharedClients<>();

    @Override
    public String name() {
        return "kubernetes";
    }

    @Override
    public String spiVersion() {
        return SpiVersion.CURRENT;
    }

    @Override
    public Optional<PodStore> open(NetConf netConf, Map<String, String> cniArgs, BackendContext context) {
        String namespace = cniArgs.get("K8S_POD_NAMESPACE");
        String pod = cniArgs.get("K8S_POD_NAME");
        if (namespace == null || pod == null) {
            return Optional.empty();
        }
        Optional<Credentials> credentials = netConf.kubeconfig().map(Credentials::kubeconfig)
                .or(() -> Credentials.inCluster(context));
        if (credentials.isEmpty()) {
            // A normal configuration on a node without the Kubernetes store: nothing for an operator to act on,
            // so not a warning on every ADD and DEL (the runtime's log would fill with it).
            context.logger().log(Level.INFO, "pod {0}/{1}: no kubeconfig in the configuration and no in-cluster"
                    + " credentials, so its annotations are not written; the file store holds its configuration",
                    namespace, pod);
            return Optional.empty();
        }
        Credentials from = credentials.get();
        SharedClients<Client>.Lease lease = CLIENTS.lease(from.source(), from.text() + filesOf(from.config()),
                () -> Client.of(from.source(), from.config()));
        Client client = lease.client();
        return Optional.of(new KubernetesPodStore(client.kubernetes(), lease::close, namespace, pod,
                kubeletDir(context), context.logger(), client.secrets()));
    }

    /**
     * Where a client's credentials come from ({@code source}: the kubeconfig's path, or the in-cluster account),
     * what was read there ({@code text}), and the client's configuration made from that.
     */
    private record Credentials(String source, String text, Config config) {

        static Credentials kubeconfig(String file) {
            String content;
            try {
                content = Files.readString(Path.of(file));
            } catch (IOException e) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "kubeconfig " + file + " cannot be read ("
                        + e.getClass().getSimpleName() + ")");
            }
            return new Credentials(file, content, fromKubeconfig(file, content));
        }

        static Optional<Credentials> inCluster(BackendContext context) {
            Optional<String> host = context.environment("KUBERNETES_SERVICE_HOST");
            Path account = context.environment("USERSPACE_CNI_SERVICE_ACCOUNT_DIR").map(Path::of)
                    .orElse(SERVICE_ACCOUNT);
            Path token = account.resolve("token");
            if (host.isEmpty() || !Files.isReadable(token)) {
                return Optional.empty();
            }
            String url = "https://" + host.get() + ":" + context.environment("KUBERNETES_SERVICE_PORT").orElse("443");
            String tokenText;
            try {
                tokenText = Files.readString(token).strip();
            } catch (IOException e) {
                throw new CniException(ErrorCode.IO_FAILURE, "cannot read the service account token " + token, e);
            }
            String ca = account.resolve("ca.crt").toString();
            return Optional.of(new Credentials("the in-cluster credentials", url + "\n" + tokenText + "\n" + ca,
                    new ConfigBuilder(Config.empty()).withMasterUrl(url).withOauthToken(tokenText).withCaCertFile(ca)
                            .build()));
        }
    }

    /** A client and the secrets of its configuration, which no message built from what it says may show. */
    private record Client(KubernetesClient kubernetes, ClientSecrets secrets) implements AutoCloseable {

        static Client of(String source, Config config) {
            config.setRequestTimeout(REQUEST_TIMEOUT_MS);
            config.setRequestRetryBackoffLimit(0);
            ClientSecrets secrets = ClientSecrets.of(config);
            try {
                return new Client(new KubernetesClientBuilder().withConfig(config).build(), secrets);
            } catch (RuntimeException e) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "the Kubernetes client cannot be set up"
                        + " from " + source + ": " + safeReason(e, secrets));
            }
        }

        @Override
        public void close() {
            kubernetes.close();
        }
    }

    /**
     * What the files a configuration names hold (its CA bundle, client certificate and key): a client's credentials
     * change with them too, as when the kubelet rotates its client certificate.
     */
    private static String filesOf(Config config) {
        StringBuilder contents = new StringBuilder();
        String[] files = {config.getCaCertFile(), config.getClientCertFile(), config.getClientKeyFile()};
        for (String file : files) {
            contents.append('\n');
            if (file != null) {
                try {
                    contents.append(Files.readString(Path.of(file)));
                } catch (IOException | RuntimeException e) {
                    contents.append("unreadable");  // the client says so when it is built
                }
            }
        }
        return contents.toString();
    }

    /**
     * The kubeconfig's client configuration. A failure names the file and what kind of failure it is, never
     * what the parser quotes: that could be a line of the file, a token or a key.
     */
    private static Config fromKubeconfig(String file, String content) {
        try {
            return Config.fromKubeconfig(null, content, file);
        } catch (RuntimeException e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "kubeconfig " + file + " is not a valid"
                    + " kubeconfig" + syntaxErrorAt(e).orElse(" (" + e.getClass().getSimpleName() + ")"));
        }
    }

    /** Where a YAML or JSON syntax error is, if that is the failure: the place, not the text there. */
    private static Optional<String> syntaxErrorAt(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause()) {
            if (t instanceof JsonProcessingException json && json.getLocation() != null) {
                return Optional.of(" (a syntax error at line " + json.getLocation().getLineNr() + ", column "
                        + json.getLocation().getColumnNr() + ")");
            }
        }
        return Optional.empty();
    }

    /** The exception's kind and first line, with the configuration's secrets taken out. */
    static String safeReason(Throwable thrown, ClientSecrets secrets) {
        String first = String.valueOf(thrown.getMessage()).lines().findFirst().orElse("");
        return secrets.redact(thrown.getClass().getSimpleName() + ": " + first);
    }

    /** The kubelet's root directory, where emptyDir volumes live ({@code --root-dir}, by default /var/lib/kubelet). */
    static Path kubeletDir(BackendContext context) {
        return context.environment("USERSPACE_CNI_KUBELET_DIR").map(Path::of).orElse(Path.of("/var/lib/kubelet"));
    }
}
