/**
 * The CNI plugin {@code userspace}: reads the CNI environment and the network configuration, validates
 * them with the error codes of the specification, delegates IP allocation to the configured IPAM plugin,
 * asks the configured engine's backend for the host port, and prints the result in the CNI version that
 * was asked for. Every failure undoes what the command had done. {@link org.userspacecni.host.Main} is the
 * entry point and {@link org.userspacecni.host.HostPluginComponent} lists what the program is made of.
 */
package org.userspacecni.host;
