/**
 * The {@code vpp} engine: memif and vhost-user interfaces on VPP, bridge domains and cross-connects,
 * driven through VPP's binary API over its unix socket. Not yet implemented: until it is, a configuration
 * asking for {@code vpp} gets the plugin's "unknown engine" error.
 */
package org.userspacecni.backend.vpp;
