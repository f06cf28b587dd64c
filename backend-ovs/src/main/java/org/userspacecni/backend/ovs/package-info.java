/**
 * The {@code ovs-dpdk} engine: vhost-user ports on the host's OVS-DPDK, made through a native OVSDB
 * (RFC 7047) client ({@link org.userspacecni.backend.ovs.OvsdbClient}) in one atomic transaction each,
 * waited for until ovs-vswitchd has applied them, and found again by their {@code external_ids}
 * ({@link org.userspacecni.backend.ovs.Ownership}). No {@code ovs-vsctl} process is ever run.
 * {@link org.userspacecni.backend.ovs.PortPlan} says what a configuration turns into;
 * {@link org.userspacecni.backend.ovs.VhostUserPorts} is the host side. The container side (a virtio-user
 * port in the container's own OVS-DPDK) comes with the container agent.
 */
package org.userspacecni.backend.ovs;
