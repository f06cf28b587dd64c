package org.userspacecni.core;

import java.lang.System.Logger.Level;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.inject.Inject;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.ErrorCode;

/**
 * The datapath backends installed on the class path, by engine name. Asking for an engine that is not
 * installed is a network configuration error that lists the engines that are. A provider built for an SPI this
 * program cannot run ({@link ProviderBuild}) is refused: asking for its engine is the same error, naming the
 * provider, its jar and both versions, while the other engines work as before. Two providers of one engine name
 * fail loudly, naming both classes.
 */
public final class BackendRegistry {

    private final Map<String, DatapathBackendProvider> providers = new HashMap<>();
    private final SortedMap<String, ProviderBuild> builds = new TreeMap<>();

    @Inject
    public BackendRegistry(List<DatapathBackendProvider> installed, System.Logger log) {
        for (DatapathBackendProvider provider : installed) {
            ProviderBuild build = ProviderBuild.of(provider, provider::spiVersion);
            ProviderBuild clash = builds.putIfAbsent(provider.engine(), build);
            if (clash != null) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                        "two datapath backends for engine '" + provider.engine() + "': "
                                + clash.providerClass().getName() + " and " + provider.getClass().getName());
            }
            if (build.runsHere()) {
                providers.put(provider.engine(), provider);
            } else {
                log.log(Level.WARNING, refusal(provider.engine(), build).getMessage());
            }
        }
    }

    /** The engines that can be used. */
    public Set<String> engines() {
        return new TreeSet<>(providers.keySet());
    }

    /** Every engine on the class path, refused ones included, with what its provider was built for. */
    public SortedMap<String, ProviderBuild> builds() {
        return new TreeMap<>(builds);
    }

    /** Whether a provider of {@code engine} is on the class path, whether or not it can be used. */
    public boolean installed(String engine) {
        return builds.containsKey(engine);
    }

    public DatapathBackendProvider provider(String engine) {
        DatapathBackendProvider provider = providers.get(engine);
        if (provider != null) {
            return provider;
        }
        if (builds.containsKey(engine)) {
            throw refusal(engine, builds.get(engine));
        }
        String installed = !providers.isEmpty() ? "installed: " + String.join(", ", engines())
                : builds.isEmpty() ? "none is installed" : "none can be used";
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                "unknown engine '" + engine + "' (" + installed + ")");
    }

    private static CniException refusal(String engine, ProviderBuild build) {
        return build.refusal("engine '" + engine + "'", "backend");
    }
}
