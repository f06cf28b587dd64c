package org.userspacecni.core;

import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;

/**
 * The providers of one kind that were found, by name, checked alike whatever the kind. A provider built for an SPI
 * this program cannot run ({@link ProviderBuild}) is refused: logged as a warning when loaded, and an error naming
 * it, its jar, both versions and what to install wherever a command needs it, while the others work as before. Two
 * providers of one name fail at once, naming both classes.
 */
public class Providers<P> {

    private final ProviderKind<P> kind;
    private final Map<String, P> usable = new LinkedHashMap<>();
    private final SortedMap<String, ProviderBuild> builds = new TreeMap<>();

    /** Checks {@code found}, in class path order. */
    public Providers(ProviderKind<P> kind, List<P> found, System.Logger log) {
        this.kind = kind;
        for (P provider : found) {
            String name = kind.name().apply(provider);
            ProviderBuild build = ProviderBuild.of(provider, () -> kind.spiVersion().apply(provider));
            ProviderBuild clash = builds.putIfAbsent(name, build);
            if (clash != null) {
                throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG, "two providers of " + kind.noun() + " '"
                        + name + "': " + clash.providerClass().getName() + " and " + provider.getClass().getName());
            }
            if (build.runsHere()) {
                usable.put(name, provider);
            } else {
                log.log(Level.WARNING, refusal(name, build).getMessage());
            }
        }
    }

    /** The names of the providers that can be used. */
    public Set<String> names() {
        return new TreeSet<>(usable.keySet());
    }

    /** The providers that can be used, in class path order. */
    public List<P> usable() {
        return new ArrayList<>(usable.values());
    }

    /** Every provider found, refused ones included, with what it was built for. */
    public SortedMap<String, ProviderBuild> builds() {
        return new TreeMap<>(builds);
    }

    /** Whether a provider of {@code name} was found, whether or not it can be used. */
    public boolean installed(String name) {
        return builds.containsKey(name);
    }

    /** The provider of {@code name}; 7 naming the refused provider, or listing those that can be used. */
    public P named(String name) {
        P provider = usable.get(name);
        if (provider != null) {
            return provider;
        }
        if (builds.containsKey(name)) {
            throw refusal(name, builds.get(name));
        }
        String installed = !usable.isEmpty() ? "installed: " + String.join(", ", names())
                : builds.isEmpty() ? "none is installed" : "none can be used";
        throw new CniException(ErrorCode.INVALID_NETWORK_CONFIG,
                "unknown " + kind.noun() + " '" + name + "' (" + installed + ")");
    }

    /** Every provider found, for a command that asks each of them; 7 for the first one refused. */
    public List<P> all() {
        builds.forEach((name, build) -> {
            if (!build.runsHere()) {
                throw refusal(name, build);
            }
        });
        return usable();
    }

    private CniException refusal(String name, ProviderBuild build) {
        return build.refusal(kind.noun() + " '" + name + "'", kind.installable());
    }
}
