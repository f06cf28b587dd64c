/**
 * The {@code vpp} engine: memif and vhost-user interfaces on VPP, in bridge domains or L3 with the IPAM
 * addresses, cross-connected on request, driven through VPP's binary API over its unix socket
 * ({@link org.userspacecni.backend.vpp.api}). The host side makes the host's end on the node's VPP, the
 * container side the container's end on the container's own VPP; both mark what they make with tags in VPP
 * itself ({@link org.userspacecni.backend.vpp.VppTag}).
 */
package org.userspacecni.backend.vpp;
