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
 */
package org.userspacecni.spi;
