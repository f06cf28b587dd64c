package org.userspacecni.spi;

import java.util.Optional;

/**
 * What a program hands a backend when it creates it: the process environment (for settings such as a
 * datapath's socket path) and the program's logger, which writes to stderr and the configured log file,
 * never to stdout.
 */
public interface BackendContext {

    /** The value of an environment variable of this program run. */
    Optional<String> environment(String name);

    /** The program's logger; its level follows the configuration's {@code logLevel}. */
    System.Logger logger();
}
