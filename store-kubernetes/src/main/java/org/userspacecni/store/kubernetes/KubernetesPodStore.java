package org.userspacecni.store.kubernetes;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import org.userspacecni.core.Json;
import org.userspacecni.core.store.ConfigAnnotations;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.ContainerConfig;
import org.userspacecni.spi.ErrorCode;
import org.userspacecni.spi.PodStore;

/**
 * One pod's annotations ({@link ConfigAnnotations}), written as the original plugin wrote them. Each change reads
 * the pod, merges its entry with the entries other attachments wrote, and writes the pod back under its
 * {@code resourceVersion}; a conflicting update by someone else is read again and retried.
 */
final class KubernetesPodStore implements PodStore {

    static final String SHARED_DIR_VOLUME = "shared-dir";
    /** Where the pod sees its sockets when no container mounts a {@code shared-dir} volume: the agent's default. */
    static final String DEFAULT_MAPPED_DIR = "/var/lib/cni/usrspcni/shared";
    static final int ATTEMPTS = 10;
    static final int CONFLICT = 409;
    static final int NOT_FOUND = 404;

    private final KubernetesClient client;
    private final Runnable release;
    private final String namespace;
    private final String name;
    private final Path kubeletDir;
    private final System.Logger log;
    private final ClientSecrets secrets;
    private Pod pod;

    /** The pod's store through {@code client}; {@code release} gives the client back when the store is closed. */
    KubernetesPodStore(KubernetesClient client, Runnable release, String namespace, String name, Path kubeletDir,
            System.Logger log, ClientSecrets secrets) {
        this.client = client;
        this.release = release;
        this.namespace = namespace;
        this.name = name;
        this.kubeletDir = kubeletDir;
        this.log = log;
        this.secrets = secrets;
    }

    @Override
    public Optional<Path> sharedDir() {
        Pod current = pod();
        for (Volume volume : current.getSpec().getVolumes()) {
            if (volume.getName().equals(SHARED_DIR_VOLUME)) {
                if (volume.getHostPath() != null) {
                    return Optional.of(Path.of(volume.getHostPath().getPath()));
                }
                if (volume.getEmptyDir() != null) {
                    return Optional.of(kubeletDir.resolve("pods").resolve(podUid())
                            .resolve("volumes/kubernetes.io~empty-dir").resolve(SHARED_DIR_VOLUME));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String podUid() {
        return pod().getMetadata().getUid();
    }

    @Override
    public void put(ContainerConfig config) {
        update((annotations, pod) -> ConfigAnnotations.put(annotations, config, mappedDir(pod), describe()), true);
        log.log(Level.INFO, "pod {0}/{1}: {2} written to {3}", namespace, name, config.id(),
                ConfigAnnotations.CONFIGURATION_DATA);
    }

    @Override
    public void delete(AttachmentId id) {
        update((annotations, pod) -> ConfigAnnotations.remove(annotations, id, describe()), false);
    }

    @Override
    public void close() {
        release.run();
    }

    private Pod pod() {
        if (pod == null) {
            pod = read().orElseThrow(() -> new CniException(ErrorCode.UNKNOWN_CONTAINER, "pod " + namespace + "/"
                    + name + " is not in the Kubernetes API"));
        }
        return pod;
    }

    private Optional<Pod> read() {
        try {
            return Optional.ofNullable(client.pods().inNamespace(namespace).withName(name).get());
        } catch (KubernetesClientException e) {
            throw failure("cannot read pod", e);
        } catch (RuntimeException e) {
            throw unexpected("cannot read pod", e);
        }
    }

    /** Reads the pod, changes its annotations, writes it back; again from the start when someone else wrote first. */
    private void update(BiFunction<Map<String, String>, Pod, Map<String, String>> change, boolean mustExist) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Optional<Pod> current = read();
            if (current.isEmpty()) {
                if (mustExist) {
                    throw new CniException(ErrorCode.UNKNOWN_CONTAINER, "pod " + namespace + "/" + name
                            + " is not in the Kubernetes API");
                }
                return; // the pod and its annotations are gone: nothing left to withdraw
            }
            pod = current.get();
            Map<String, String> annotations = Optional.ofNullable(pod.getMetadata().getAnnotations()).orElse(Map.of());
            Map<String, String> changed = change.apply(annotations, pod);
            if (changed.equals(annotations)) {
                return;
            }
            pod.getMetadata().setAnnotations(new HashMap<>(changed));
            try {
                client.pods().inNamespace(namespace).resource(pod).update();
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() == NOT_FOUND && !mustExist) {
                    return;
                }
                if (e.getCode() != CONFLICT) {
                    throw failure("cannot update the annotations of pod", e);
                }
                log.log(Level.DEBUG, "pod {0}/{1} changed meanwhile (attempt {2}): reading it again", namespace, name,
                        attempt);
            } catch (RuntimeException e) {
                throw unexpected("cannot update the annotations of pod", e);
            }
        }
        throw new CniException(ErrorCode.TRY_AGAIN_LATER, "pod " + namespace + "/" + name + " kept changing: its"
                + " annotations could not be updated in " + ATTEMPTS + " attempts");
    }

    private String describe() {
        return "pod " + namespace + "/" + name;
    }

    /** The mount path of the {@code shared-dir} volume in the pod's first container that mounts it. */
    private static String mappedDir(Pod pod) {
        for (Container container : pod.getSpec().getContainers()) {
            for (VolumeMount mount : Optional.ofNullable(container.getVolumeMounts()).orElse(java.util.List.of())) {
                if (mount.getName().equals(SHARED_DIR_VOLUME)) {
                    return mount.getMountPath();
                }
            }
        }
        return DEFAULT_MAPPED_DIR;
    }

    /**
     * The API's failure as a CNI error: the HTTP status, and as details the first line of what the client said,
     * the configuration's secrets taken out (an answer or a proxy may echo the token). The exception itself is
     * not the cause: its text would reach the log whole.
     */
    private CniException failure(String doing, KubernetesClientException e) {
        int status = e.getCode();
        // No HTTP status: the API server was not reached at all.
        ErrorCode code = status <= 0 || status >= 500 || status == 429 ? ErrorCode.TRY_AGAIN_LATER
                : ErrorCode.IO_FAILURE;
        String why = status > 0 ? "HTTP " + status : Optional.ofNullable(e.getCause())
                .map(cause -> KubernetesPodStoreProvider.safeReason(cause, secrets)).orElse("no answer");
        return new CniException(code, doing + " " + namespace + "/" + name + " in the Kubernetes API (" + why + ")",
                KubernetesPodStoreProvider.safeReason(e, secrets));
    }

    private CniException unexpected(String doing, RuntimeException e) {
        return new CniException(ErrorCode.IO_FAILURE, doing + " " + namespace + "/" + name + " in the Kubernetes API",
                KubernetesPodStoreProvider.safeReason(e, secrets));
    }
}
