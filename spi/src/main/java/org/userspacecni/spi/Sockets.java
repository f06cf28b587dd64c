package org.userspacecni.spi;

import java.nio.file.Path;

/**
 * Where an attachment's sockets go on the host, decided by the program for every engine alike: the shared
 * directory or the pod's socket directory, reached through a short link where a socket's path would not fit
 * a unix socket address. An engine asks for a socket by name ({@link SocketRequest}) and uses the path it gets;
 * it never builds one from {@code sharedDir}, checks its length or prepares a directory.
 *
 * <p>Reached from {@link Attachment#sockets()}; {@link HostSide#gc} is given the network's.
 */
public interface Sockets {

    /**
     * The absolute host path of the socket {@code request} names, with its directory ready for it: made if
     * missing ({@code 0700}, or {@code 0770} and the request's group's). 7 for a name or path that cannot be a
     * unix socket (naming the field), or a group that does not exist; 5 if the directory cannot be made.
     */
    Path place(SocketRequest request);

    /**
     * Where a socket named {@code name} of this attachment is, as {@link #place} would put it, without making
     * anything: for DEL, CHECK, GC and restore. 7 for a name or path that cannot be a unix socket.
     */
    Path locate(String name);
}
