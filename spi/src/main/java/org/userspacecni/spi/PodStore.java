package org.userspacecni.spi;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What the host plugin tells one pod through its platform: each attachment's container configuration
 * ({@link #put}, {@link #delete}), and where the pod wants its sockets. Failures are {@link CniException}s:
 * a pod the platform does not know is error 3, a platform that does not answer is 11.
 */
public interface PodStore extends AutoCloseable {

    /** The pod's own socket directory on this node, if it names one (Kubernetes: a volume {@code shared-dir}). */
    Optional<Path> sharedDir();

    /** The pod's unique id, for names that must not outlive it. */
    String podUid();

    /** Publishes the attachment's configuration to the pod, beside the others' entries. */
    void put(ContainerConfig config);

    /** Withdraws it; succeeds when it, or the pod, is already gone. */
    void delete(AttachmentId id);

    @Override
    default void close() {
    }
}
