package org.userspacecni.store.kubernetes;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The secrets of a Kubernetes client configuration (bearer token, basic-auth password, client key and its
 * passphrase), so that no message built from what the client or the API server said carries one: the plugin
 * runs as root on every node, and its errors go to the runtime's logs and its own log file.
 */
final class ClientSecrets {

    static final String REDACTED = "<redacted>";
    /** Shorter strings are not looked for: they would blot out ordinary words and prove nothing secret. */
    static final int SHORTEST = 6;

    private final List<String> secrets;

    private ClientSecrets(List<String> secrets) {
        this.secrets = secrets;
    }

    static ClientSecrets none() {
        return new ClientSecrets(List.of());
    }

    static ClientSecrets of(Config config) {
        List<String> found = new ArrayList<>();
        // A kubeconfig's token is the auto token; the other is one set in code or by a system property.
        Stream.of(config.getOauthToken(), config.getAutoOAuthToken(), config.getPassword(),
                config.getClientKeyPassphrase(), config.getKeyStorePassphrase(), config.getTrustStorePassphrase(),
                config.getProxyPassword(), config.getClientKeyData()).forEach(secret -> add(found, secret));
        // The key's PEM body, line by line, as a parser's message might quote it.
        Stream.concat(Optional.ofNullable(config.getClientKeyData()).flatMap(ClientSecrets::decoded).stream(),
                Optional.ofNullable(config.getClientKeyFile()).flatMap(ClientSecrets::read).stream())
                .forEach(pem -> pem.lines().filter(line -> !line.startsWith("-----")).forEach(line -> add(found, line)));
        found.sort(Comparator.comparingInt(String::length).reversed());
        return new ClientSecrets(List.copyOf(found));
    }

    /** {@code text} with every secret replaced by {@value #REDACTED}. */
    String redact(String text) {
        String safe = String.valueOf(text);
        for (String secret : secrets) {
            safe = safe.replace(secret, REDACTED);
        }
        return safe;
    }

    private static void add(List<String> found, String secret) {
        if (secret != null && secret.strip().length() >= SHORTEST) {
            found.add(secret.strip());
        }
    }

    private static Optional<String> read(String file) {
        try {
            return Optional.of(Files.readString(Path.of(file)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // the client reports a key it cannot read
        }
    }

    private static Optional<String> decoded(String base64) {
        try {
            return Optional.of(new String(Base64.getMimeDecoder().decode(base64), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
