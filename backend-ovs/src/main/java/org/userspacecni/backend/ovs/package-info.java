/**
 * The {@code ovs-dpdk} engine: vhost-user ports on the host's OVS-DPDK, created through a native OVSDB
 * (RFC 7047) client in one atomic transaction each, and the container side that joins the container's own
 * OVS-DPDK to them through a virtio-user port. Not yet implemented: until it is, a configuration asking
 * for {@code ovs-dpdk} gets the plugin's "unknown engine" error.
 */
package org.userspacecni.backend.ovs;
