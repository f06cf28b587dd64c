package org.userspacecni.host;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.stream.Stream;
import org.userspacecni.core.ProviderLoader;

/**
 * The pod stores that come with the plugin, in {@code userspace.d/pod-stores} beside its {@code lib}: the Kubernetes
 * store and the thirty jars of its client. They are kept off the class path of every command because looking for
 * engines opens every jar on it, which cost each command several milliseconds; a command that asks for its pod's
 * store finds them through a class loader of their own. There is one such loader per parent class loader, so that
 * the daemon loads the store's classes once and not for each request.
 */
final class PodStoreJars {

    static final String DIRECTORY = "pod-stores";

    private static final ConcurrentMap<ClassLoader, ProviderLoader> LOADERS = new ConcurrentHashMap<>();

    private PodStoreJars() {
    }

    /** {@code loader}, and the plugin's pod store jars after it if the plugin is installed with them. */
    static ProviderLoader around(ProviderLoader loader) {
        return LOADERS.computeIfAbsent(loader.classLoader(), parent -> new ProviderLoader(jars()
                .<ClassLoader>map(urls -> new URLClassLoader(DIRECTORY, urls, parent)).orElse(parent)));
    }

    /** The jars in {@code pod-stores} beside the directory this class's jar is in; none when run from classes. */
    private static Optional<URL[]> jars() {
        Path directory;
        try {
            Path self = Path.of(PodStoreJars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            directory = self.getParent().resolveSibling(DIRECTORY);
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
        if (!Files.isDirectory(directory)) {
            return Optional.empty();
        }
        List<URL> urls = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path jar : files.filter(file -> file.getFileName().toString().endsWith(".jar")).sorted().toList()) {
                urls.add(jar.toUri().toURL());
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.of(urls.toArray(URL[]::new));
    }
}
