package org.userspacecni.core;

import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.Optional;
import java.util.function.Supplier;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.SpiVersion;

/**
 * What a provider found through {@link java.util.ServiceLoader} was built for: the SPI version its
 * {@code spiVersion()} reports, or none when it was built before the SPI had versions and the method is missing
 * from its class. A provider that cannot run on this program's SPI is refused with a message naming it, the jar
 * it came from, both versions and what to install instead.
 */
public record ProviderBuild(Class<?> providerClass, Optional<String> spiVersion) {

    /** Asks {@code provider} for its version through {@code spiVersion}, e.g. {@code provider::spiVersion}. */
    public static ProviderBuild of(Object provider, Supplier<String> spiVersion) {
        try {
            return new ProviderBuild(provider.getClass(), Optional.of(String.valueOf(spiVersion.get())));
        } catch (AbstractMethodError e) {
            return new ProviderBuild(provider.getClass(), Optional.empty());
        }
    }

    public boolean runsHere() {
        return spiVersion.filter(SpiVersion::runs).isPresent();
    }

    /** {@code for SPI 1.0}, or what stands for a provider built before versions. */
    public String builtFor() {
        return spiVersion.map(version -> "for SPI " + version).orElse("for an SPI from before versions (it has no"
                + " spiVersion())");
    }

    /**
     * The failure of a command that needs this provider: {@code subject} is what the configuration asked for
     * ({@code engine 'vpp'}), {@code kind} what to install ({@code backend}).
     */
    public CniException refusal(String subject, String kind) {
        return new CniException(ErrorCode.INVALID_NETWORK_CONFIG, subject + " cannot be used: its provider "
                + providerClass.getName() + " from " + location() + " was built " + builtFor()
                + ", and this program provides SPI " + SpiVersion.CURRENT + "; install a build of that " + kind
                + " for SPI " + SpiVersion.MAJOR + ".x, up to " + SpiVersion.CURRENT);
    }

    /** The jar (or directory) the provider's class was loaded from, as the class loader says. */
    public String location() {
        CodeSource source = providerClass.getProtectionDomain().getCodeSource();
        URL url = source == null ? null : source.getLocation();
        if (url == null) {
            return "an unknown jar";
        }
        try {
            return url.getProtocol().equals("file") ? Path.of(url.toURI()).toString() : url.toString();
        } catch (URISyntaxException | IllegalArgumentException e) {
            return url.toString();
        }
    }
}
