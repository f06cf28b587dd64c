package org.userspacecni.core;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * Where providers are found: the {@link ServiceLoader} entries of one class loader, given explicitly rather than
 * taken from the thread, so that the daemon can serve each request from the jars that request names. The one
 * place either program loads providers; {@link Providers} checks what it found.
 */
public record ProviderLoader(ClassLoader classLoader) {

    /** The providers on the class path {@code program} was loaded from. */
    public static ProviderLoader of(Class<?> program) {
        return new ProviderLoader(program.getClassLoader());
    }

    /** The providers of {@code kind}, checked: refused ones logged, two of one name an error. */
    public <P> Providers<P> load(ProviderKind<P> kind, System.Logger log) {
        return new Providers<>(kind, find(kind), log);
    }

    /** Every provider of {@code kind} this loader offers, in class path order, unchecked; 7 if one cannot be made. */
    <P> List<P> find(ProviderKind<P> kind) {
        try {
            return ServiceLoader.load(kind.type(), classLoader).stream().map(ServiceLoader.Provider::get).toList();
        } catch (ServiceConfigurationError e) {
            throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "cannot load a " + kind.noun() + " provider",
                    e);
        }
    }
}
