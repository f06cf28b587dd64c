package org.userspacecni.core;

import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Where providers are found: the {@link ServiceLoader} entries of one class loader, given explicitly rather than
 * taken from the thread, so that the daemon can serve each request from the jars that request names. The one
 * place either program loads providers; {@link Providers} checks what it found.
 *
 * <p>Each kind is looked for once: a provider is a factory without state of its own, and looking opens every jar
 * on the class path, which cost each of the daemon's requests half a millisecond of CPU. The daemon keeps one
 * loader per class loader for that.
 */
public final class ProviderLoader {

    private final ClassLoader classLoader;
    private final Map<ProviderKind<?>, List<?>> found = new ConcurrentHashMap<>();

    public ProviderLoader(ClassLoader classLoader) {
        this.classLoader = classLoader;
    }

    /** The providers on the class path {@code program} was loaded from. */
    public static ProviderLoader of(Class<?> program) {
        return new ProviderLoader(program.getClassLoader());
    }

    public ClassLoader classLoader() {
        return classLoader;
    }

    /** The providers of {@code kind}, checked: refused ones logged, two of one name an error. */
    public <P> Providers<P> load(ProviderKind<P> kind, System.Logger log) {
        return new Providers<>(kind, find(kind), log);
    }

    /** Every provider of {@code kind} this loader offers, in class path order, unchecked; 7 if one cannot be made. */
    @SuppressWarnings("unchecked") // stored under its own kind
    <P> List<P> find(ProviderKind<P> kind) {
        return (List<P>) found.computeIfAbsent(kind, this::search);
    }

    private <P> List<P> search(ProviderKind<P> kind) {
        try {
            return ServiceLoader.load(kind.type(), classLoader).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "cannot load a " + kind.noun() + " provider",
                    e);
        }
    }
}
