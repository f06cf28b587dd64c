/**
 * The contract between the userspace CNI programs and the datapath backends.
 *
 * <p>A backend (OVS-DPDK, VPP, or a third party's) ships a {@link org.userspacecni.spi.DatapathBackendProvider}
 * registered with {@link java.util.ServiceLoader}; the host plugin and the container agent find it by the
 * engine name a network configuration asks for. Everything here is an immutable value record or a small
 * interface, and the package depends on the JDK and Jackson's annotations only, so a backend compiles
 * against it without pulling in any framework. Failures are reported as {@link org.userspacecni.spi.CniException},
 * which carries the CNI error code the runtime will see. Each setting of the network configuration, and each
 * engine's option, says what it means, its default and the values it takes in a {@link org.userspacecni.spi.ConfigDoc}
 * annotation, from which the configuration reference is generated.
 *
 * <p>The SPI has a version, {@link org.userspacecni.spi.SpiVersion} ({@code MAJOR.MINOR}), and every provider
 * says which it was compiled against ({@code spiVersion()}, implemented as {@code return SpiVersion.CURRENT;}).
 * A program uses a provider built for its own major version and a minor version no newer than its own; any other,
 * or one built before versions, is refused, and a network that asks for it fails with error 7 naming the
 * provider's jar and both versions. A minor version only adds what providers need not implement ({@code default}
 * methods, new types). The build compares this package with the previous release's ({@code spi/compat/}) and
 * fails on a binary- or source-incompatible change: one that providers cannot survive is a new major version
 * and a new baseline.
 */
package org.userspacecni.spi;
