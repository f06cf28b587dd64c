package org.userspacecni.spi;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of this SPI, {@code MAJOR.MINOR}, and whether a provider built for another version runs on it.
 *
 * <p>A minor version only adds what providers need not implement (new types, new {@code default} methods), so
 * a provider built for {@code 1.0} runs on {@code 1.3}, but one built for {@code 1.3} may use what {@code 1.0}
 * lacks; a change that breaks providers already built is a new major version. The constants are compile-time
 * constants on purpose: a provider that returns {@link #CURRENT} carries the value it was compiled with.
 */
public final class SpiVersion {

    public static final int MAJOR = 2;
    public static final int MINOR = 2;
    /** {@code "MAJOR.MINOR"}: what a provider's {@code spiVersion()} returns. */
    public static final String CURRENT = MAJOR + "." + MINOR;

    private static final Pattern VERSION = Pattern.compile("(\\d{1,9})\\.(\\d{1,9})");

    private SpiVersion() {
    }

    /**
     * Whether a provider built for SPI {@code builtFor} ({@code "M.m"}) runs on this one: the same major version
     * and a minor version no newer than {@link #MINOR}. Anything else, {@code null} or unparsable included, is not.
     */
    public static boolean runs(String builtFor) {
        return runs(builtFor, MAJOR, MINOR);
    }

    /** The rule of {@link #runs(String)} for an SPI of version {@code major.minor}. */
    static boolean runs(String builtFor, int major, int minor) {
        Matcher version = VERSION.matcher(builtFor == null ? "" : builtFor);
        return version.matches() && Integer.parseInt(version.group(1)) == major
                && Integer.parseInt(version.group(2)) <= minor;
    }
}
