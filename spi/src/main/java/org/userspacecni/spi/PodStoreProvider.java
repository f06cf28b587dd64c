package org.userspacecni.spi;

import java.util.Map;
import java.util.Optional;

/**
 * The {@link java.util.ServiceLoader} entry of a platform that tells pods about their attachments its own
 * way, beside the file store: Kubernetes pod annotations, say. The host plugin asks every provider on its
 * class path and uses the first whose {@link #open} answers; with none, the file store alone serves.
 */
public interface PodStoreProvider {

    /** The platform's name, for logs: {@code kubernetes}. */
    String name();

    /**
     * The SPI version this provider was compiled against; implement it as {@code return SpiVersion.CURRENT;}.
     * As for {@link DatapathBackendProvider#spiVersion()}, javac copies the constant into the provider's class, so
     * it reports the version the provider was built for, not the version it runs with; a provider that cannot run
     * on this SPI, or that predates this method, is refused and the command fails naming it.
     */
    String spiVersion();

    /**
     * The store of the pod this attachment belongs to, or empty when the platform is not in use for it (no
     * pod named in {@code CNI_ARGS}, no credentials). Opening is cheap; the platform is asked when needed.
     */
    Optional<PodStore> open(NetConf netConf, Map<String, String> cniArgs, BackendContext context);
}
