/**
 * The {@code vhost-tap} engine, an example of a datapath backend built outside userspace-cni against its SPI.
 * {@link com.example.vhosttap.VhostTapBackendProvider} is the ServiceLoader entry;
 * {@link com.example.vhosttap.TapForwarders} is the host side (one {@link com.example.vhosttap.Forwarder} per
 * attachment, named by {@link com.example.vhosttap.ForwarderName}, configured by
 * {@link com.example.vhosttap.HostSettings}); {@link com.example.vhosttap.EalArgsFiles} is the container side.
 */
package com.example.vhosttap;
