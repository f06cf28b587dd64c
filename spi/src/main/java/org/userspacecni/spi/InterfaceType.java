package org.userspacecni.spi;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.regex.Pattern;

/**
 * The kind of interface that joins a container to the host's datapath, by the name configurations spell it
 * ({@code iftype}). The set is open: {@link #VHOSTUSER} and {@link #MEMIF} are the types the built-in engines
 * take, and any engine may declare others in {@link DatapathBackend#interfaceTypes()} (a TAP device, an
 * AF_XDP socket). Decoding accepts any well-formed name; which ones are supported is the engine's to say, so a
 * configuration naming a type its engine does not declare is error 2 naming the engine's types.
 */
public record InterfaceType(String name) {

    // A name goes into messages, file names and DPDK arguments: lower case, no separators of those. Declared
    // before the constants, whose construction checks it.
    private static final Pattern WELL_FORMED = Pattern.compile("[a-z][a-z0-9_-]{0,31}");

    /** A vhost-user socket: the host's switch on one end, a virtio device on the other. */
    public static final InterfaceType VHOSTUSER = new InterfaceType("vhostuser");

    /** A memif socket: shared-memory rings between the host's switch and the container. */
    public static final InterfaceType MEMIF = new InterfaceType("memif");

    /** Refuses a name that is not well formed with {@link ErrorCode#UNSUPPORTED_FIELD}. */
    public InterfaceType {
        if (name == null || !WELL_FORMED.matcher(name).matches()) {
            throw new CniException(ErrorCode.UNSUPPORTED_FIELD, "unsupported value '" + name
                    + "' (an interface type is a lower-case name of at most 32 characters: letters, digits, '-',"
                    + " '_', starting with a letter)");
        }
    }

    /** The type spelled {@code name} in a configuration. */
    @JsonCreator
    public static InterfaceType of(String name) {
        return new InterfaceType(name);
    }

    /** The spelling in the network configuration. */
    @Override
    @JsonValue
    public String name() {
        return name;
    }

    @Override
    public String toString() {
        return name;
    }
}
