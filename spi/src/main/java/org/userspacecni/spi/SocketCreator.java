package org.userspacecni.spi;

/**
 * Which end of an attachment binds its socket and so makes the file: the host's switch (OVS's
 * {@code dpdkvhostuser} port, a VPP memif master or vhost-user server, the example's forwarder), or the
 * container's end (a virtio-user server that the switch connects to as a client). The other end connects.
 */
public enum SocketCreator {
    /** The host's switch binds the socket; the container's end connects to it. */
    SWITCH,
    /** The container's end binds the socket; the host's switch connects to it. */
    CONTAINER
}
