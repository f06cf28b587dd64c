package org.userspacecni.core.store;

import java.util.List;
import org.userspacecni.spi.ContainerConfig;

/**
 * Where the agent reads the container configurations the host plugin left for it: the config store's files
 * ({@link FileConfigStore}) or the pod's annotations ({@link DownwardApiConfigStore}). A document that cannot be
 * read is reported and skipped, so one bad entry never stops the others.
 */
public interface ConfigReader {

    /** Every readable configuration. */
    List<ContainerConfig> list();
}
