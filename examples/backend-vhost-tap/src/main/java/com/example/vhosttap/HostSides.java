package com.example.vhosttap;

import java.util.Set;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.DatapathStatus;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.HostSide;
import org.userspacecni.spi.Network;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.Sockets;

/**
 * The host side of {@code vhost-tap}: each request goes to the side of its host end's interface type, a
 * forwarder per attachment for {@code vhostuser} ({@link TapForwarders}), a TAP device moved into the container
 * for {@code tap} ({@link ContainerTaps}). The programs hand the engine no other type. Both take concurrent
 * changes: attachments share no state.
 */
record HostSides(TapForwarders forwarders, ContainerTaps taps) implements HostSide {

    private HostSide of(Side host) {
        return ContainerTaps.TAP.equals(host.iftype()) ? taps : forwarders;
    }

    @Override
    public HostPort add(Attachment attachment) {
        return of(attachment.host()).add(attachment);
    }

    @Override
    public void delete(Attachment attachment) {
        of(attachment.host()).delete(attachment);
    }

    @Override
    public void check(Attachment attachment) {
        of(attachment.host()).check(attachment);
    }

    @Override
    public void gc(Network network, Sockets sockets, Set<AttachmentId> valid) {
        of(network.host()).gc(network, sockets, valid);
    }

    @Override
    public DatapathStatus status(Network network) {
        return of(network.host()).status(network);
    }

    @Override
    public boolean restore(Attachment attachment, HostPort port) {
        return of(attachment.host()).restore(attachment, port);
    }

    @Override
    public boolean takesConcurrentChanges() {
        return true;
    }
}
