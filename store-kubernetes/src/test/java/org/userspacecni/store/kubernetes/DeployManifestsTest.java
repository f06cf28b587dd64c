package org.userspacecni.store.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.MemifRole;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.NetType;
import org.userspacecni.spi.VhostMode;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}, read with fabric8's model classes as the API server would
 * read them: every object known and free of unknown fields, images pinned, resources requested; the installer
 * DaemonSet and its RBAC as docs/kubernetes.md describes them, its daemon container privileged alone, probed by
 * the launcher's own check, with every node directory at its own path (image-builder's DaemonPodIT runs it with
 * exactly these mounts); every network configuration accepted by the
 * plugin's own decoder; the example pods consistent with the networks beside them; and the installer's script run
 * for real against a node made of temporary directories.
 */
class DeployManifestsTest {

    static final Path DIR = Path.of("..", "deploy", "kubernetes");
    static final String NAD_API_VERSION = "k8s.cni.cncf.io/v1";
    static final String NAD_KIND = "NetworkAttachmentDefinition";
    /** Where the installer writes the kubeconfig on the node, and every network's {@code kubeconfig}. */
    static final String KUBECONFIG = "/etc/cni/net.d/userspace.d/userspace.kubeconfig";
    static final String SHARED_DIR_MOUNT = "/var/lib/cni/usrspcni/shared";
    static final String PODINFO_MOUNT = "/etc/podinfo";
    /** registry/repository:tag, the registry named (no pulls that depend on a runtime's default registry). */
    static final String PINNED_IMAGE = "[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+:[A-Za-z0-9_][A-Za-z0-9_.-]*";
    static final String KUBECONFIG_DIR = Path.of(KUBECONFIG).getParent().toString();
    static final String DAEMON_CONTAINER = "daemon";
    /** The plugin in the installer image (installer/Dockerfile). */
    static final String IMAGE_PLUGIN = "/opt/usrsp/cni/bin/userspace";
    static final String SOCKET_VARIABLE = "USERSPACE_CNI_DAEMON_SOCKET";
    /** Where the ovs-dpdk and vpp engines find their switch when a network names no socket. */
    static final String OVSDB_SOCKET = "/var/run/openvswitch/db.sock";
    static final String VPP_API_SOCKET = "/run/vpp/api.sock";
    /** The source of the plugin's launcher, dist/cni/bin/userspace, where its default daemon socket is set. */
    static final Path LAUNCHER_SOURCE = Path.of("..", "host-plugin", "src", "main", "c", "userspace.c");
    /** The script that starts the plugin's JVM, which scripts/build copies into dist/cni/bin/userspace.d. */
    static final Path JVM_SCRIPT = Path.of("..", "host-plugin", "src", "main", "dist", "cni", "bin", "userspace.d",
            "jvm");

    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static List<Manifest> manifests;

    /** One object of one file. */
    record Manifest(Path file, HasMetadata object) {
        @Override
        public String toString() {
            return DIR.relativize(file) + ": " + object.getKind() + " " + object.getMetadata().getName();
        }
    }

    @BeforeAll
    static void readManifests() throws IOException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(DIR)) {
            files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml")).sorted()
                    .toList();
        }
        assertThat(files).as("YAML files under %s", DIR.toAbsolutePath().normalize()).isNotEmpty();
        List<Manifest> read = new ArrayList<>();
        YAMLMapper yaml = new YAMLMapper();
        for (Path file : files) {
            try (MappingIterator<JsonNode> documents = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
                for (JsonNode document : documents.readAll()) {
                    if (document == null || document.isNull() || document.isEmpty()) {
                        continue;
                    }
                    KubernetesResource object = SERIALIZATION.convertValue(document, KubernetesResource.class);
                    assertThat(object).as("a document of %s", file).isInstanceOf(HasMetadata.class);
                    read.add(new Manifest(file, (HasMetadata) object));
                }
            }
        }
        manifests = List.copyOf(read);
    }

    @Nested
    class EveryManifest {

        @Test
        void isAnObjectFabric8Knows() {
            assertThat(manifests).isNotEmpty().allSatisfy(m -> {
                if (m.object() instanceof GenericKubernetesResource) {
                    // Multus's resource has no model class in kubernetes-client; nothing else may end up generic.
                    assertThat(m.object().getApiVersion()).as("%s", m).isEqualTo(NAD_API_VERSION);
                    assertThat(m.object().getKind()).as("%s", m).isEqualTo(NAD_KIND);
                }
                assertThat(m.object().getMetadata().getName()).as("%s", m).isNotBlank();
            });
        }

        @Test
        void hasNoFieldTheModelDoesNotKnow() {
            // kubectl drops (or, with strict field validation, refuses) a misspelt key; fabric8 keeps it aside.
            for (Manifest m : manifests) {
                List<String> unknown = new ArrayList<>();
                Object checked = m.object() instanceof GenericKubernetesResource g ? g.getMetadata() : m.object();
                collectUnknownFields(checked, m.object().getKind(), unknown);
                assertThat(unknown).as("fields unknown to the model in %s", m).isEmpty();
            }
        }

        @Test
        void pinsItsImagesByATagThatIsNotLatest() {
            assertThat(containers()).isNotEmpty().allSatisfy(c -> {
                String image = c.container().getImage();
                assertThat(image).as("image of %s", c).matches(PINNED_IMAGE);
                assertThat(image.substring(image.lastIndexOf(':') + 1)).as("tag of %s", c).isNotEqualTo("latest");
            });
        }

        @Test
        void requestsCpuAndMemoryAndLimitsMemoryForEveryContainer() {
            assertThat(containers()).allSatisfy(c -> {
                var resources = c.container().getResources();
                assertThat(resources).as("resources of %s", c).isNotNull();
                assertThat(resources.getRequests()).as("requests of %s", c).containsKeys("cpu", "memory");
                assertThat(resources.getLimits()).as("limits of %s", c).containsKey("memory");
            });
        }

        @Test
        void runsNoContainerPrivilegedButThePluginsDaemon() {
            assertThat(containers()).allSatisfy(c -> {
                var security = c.container().getSecurityContext();
                if (security != null && !c.container().getName().equals(DAEMON_CONTAINER)) {
                    assertThat(security.getPrivileged()).as("privileged in %s", c).isNotEqualTo(Boolean.TRUE);
                }
            });
            assertThat(containers()).filteredOn(c -> c.container().getName().equals(DAEMON_CONTAINER))
                    .singleElement().satisfies(c -> assertThat(c.owner()).contains("DaemonSet userspace-cni"));
        }

        @Test
        void pinsTheInstallerImagesBaseImagesByTag() throws IOException {
            List<String> tags = Files.readAllLines(DIR.resolve("installer/Dockerfile")).stream()
                    .filter(line -> line.matches("ARG [A-Z_]+_TAG=.*")).map(line -> line.replaceFirst(".*=", ""))
                    .toList();
            assertThat(tags).hasSize(2).allSatisfy(tag -> assertThat(tag).isNotBlank().isNotEqualTo("latest"));
        }
    }

    @Nested
    class TheInstaller {

        @Test
        void isADaemonSetInKubeSystemOnEveryNodeWhateverItsTaints() {
            DaemonSet ds = daemonSet();
            assertThat(ds.getMetadata().getNamespace()).isEqualTo("kube-system");
            List<Toleration> tolerations = ds.getSpec().getTemplate().getSpec().getTolerations();
            assertThat(tolerations).singleElement().satisfies(t -> {
                assertThat(t.getOperator()).isEqualTo("Exists");
                assertThat(t.getKey()).isNull();
                assertThat(t.getEffect()).isNull();
            });
        }

        @Test
        void mountsExactlyTheNodeDirectoriesThePluginUsesUnderHost() {
            PodSpec spec = daemonSet().getSpec().getTemplate().getSpec();
            Map<String, String> hostPaths = hostPaths(spec);
            Set<String> installers = installerContainers(spec).stream()
                    .flatMap(c -> c.getVolumeMounts().stream()).map(VolumeMount::getName)
                    .filter(hostPaths::containsKey).map(hostPaths::get).collect(Collectors.toSet());
            assertThat(installers).containsExactlyInAnyOrder("/opt/cni/bin", "/var/lib/cni/usrspcni",
                    Path.of(KUBECONFIG).getParent().toString());
            for (Container c : installerContainers(spec)) {
                for (VolumeMount mount : c.getVolumeMounts()) {
                    if (hostPaths.containsKey(mount.getName())) {
                        String path = hostPaths.get(mount.getName());
                        if (mount.getMountPath().equals(path)) {
                            // Also at its own path: the plugin directory, where the class archive is made.
                            assertThat(c.getEnv()).as("%s in %s", path, c.getName())
                                    .anySatisfy(env -> assertThat(env).extracting("name", "value")
                                            .containsExactly("USRSP_NODE_BIN_DIR", path));
                        } else {
                            assertThat(mount.getMountPath()).as("mount of %s in %s", mount.getName(), c.getName())
                                    .isEqualTo("/host" + path);
                        }
                    }
                }
            }
            // The state directory mounted is the plugin's default dataDir, with the default sharedDir below it.
            assertThat(hostPaths.values()).contains(NetConf.DEFAULT_DATA_DIR.toString());
            assertThat(NetConf.DEFAULT_SHARED_DIR).startsWithRaw(NetConf.DEFAULT_DATA_DIR);
        }

        @Test
        void copiesInAnInitContainerAndKeepsTheKubeconfigInAnotherBesideTheDaemon() {
            PodSpec spec = daemonSet().getSpec().getTemplate().getSpec();
            String script = "/usrsp-installer/install.sh";
            assertThat(spec.getInitContainers()).singleElement()
                    .satisfies(c -> assertThat(c.getCommand()).endsWith(script, "install"));
            assertThat(spec.getContainers()).extracting(Container::getName)
                    .containsExactlyInAnyOrder("kubeconfig", DAEMON_CONTAINER);
            assertThat(installerContainers(spec)).filteredOn(c -> c.getName().equals("kubeconfig")).singleElement()
                    .satisfies(c -> assertThat(c.getCommand()).endsWith(script, "kubeconfig"));
            Volume scripts = spec.getVolumes().stream().filter(v -> v.getConfigMap() != null).findFirst()
                    .orElseThrow();
            assertThat(installerConfigMap().getMetadata().getName()).isEqualTo(scripts.getConfigMap().getName());
            assertThat(installerContainers(spec)).allSatisfy(c -> assertThat(mountPath(c, scripts.getName()))
                    .hasValueSatisfying(dir -> assertThat(script).startsWith(dir + "/")));
            assertThat(installerConfigMap().getMetadata().getNamespace())
                    .isEqualTo(daemonSet().getMetadata().getNamespace());
            assertThat(installerConfigMap().getData()).containsKey("install.sh");
        }

        @Test
        void installsAsRootWithoutPrivilegeOrCapabilitiesOnAReadOnlyRoot() {
            PodSpec spec = daemonSet().getSpec().getTemplate().getSpec();
            assertThat(spec.getSecurityContext().getRunAsUser()).isZero();
            assertThat(installerContainers(spec)).hasSize(2).allSatisfy(c -> {
                var security = c.getSecurityContext();
                assertThat(security.getPrivileged()).isFalse();
                assertThat(security.getAllowPrivilegeEscalation()).isFalse();
                assertThat(security.getReadOnlyRootFilesystem()).isTrue();
                assertThat(security.getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(security.getCapabilities().getAdd()).isNullOrEmpty();
            });
        }

        @Test
        void runsAsTheServiceAccountBoundToPodsGetUpdateAndPatchAlone() {
            ServiceAccount account = only(ServiceAccount.class);
            DaemonSet ds = daemonSet();
            assertThat(ds.getSpec().getTemplate().getSpec().getServiceAccountName())
                    .isEqualTo(account.getMetadata().getName());
            assertThat(account.getMetadata().getNamespace()).isEqualTo(ds.getMetadata().getNamespace());

            ClusterRole role = only(ClusterRole.class);
            assertThat(role.getRules()).singleElement().satisfies((PolicyRule rule) -> {
                assertThat(rule.getApiGroups()).containsExactly("");
                assertThat(rule.getResources()).containsExactly("pods");
                assertThat(rule.getVerbs()).containsExactly("get", "update", "patch");
                assertThat(rule.getResourceNames()).isNullOrEmpty();
            });

            ClusterRoleBinding binding = only(ClusterRoleBinding.class);
            assertThat(binding.getRoleRef().getKind()).isEqualTo("ClusterRole");
            assertThat(binding.getRoleRef().getName()).isEqualTo(role.getMetadata().getName());
            assertThat(binding.getSubjects()).singleElement().satisfies(subject -> {
                assertThat(subject.getKind()).isEqualTo("ServiceAccount");
                assertThat(subject.getName()).isEqualTo(account.getMetadata().getName());
                assertThat(subject.getNamespace()).isEqualTo(account.getMetadata().getNamespace());
            });
        }
    }

    /** The daemon container: the plugin's daemon as docs/daemon.md describes it, at the node's own paths. */
    @Nested
    class ThePluginsDaemon {

        @Test
        void runsTheImagesPluginAsTheDaemonOnTheLaunchersDefaultSocket() throws IOException {
            Container daemon = daemonContainer();
            assertThat(daemon.getImage()).isEqualTo(installerContainers(daemonSpec()).get(0).getImage());
            assertThat(daemon.getCommand()).containsExactly(IMAGE_PLUGIN, "daemon");
            assertThat(daemon.getPorts()).singleElement().satisfies(port -> {
                assertThat(port.getName()).isEqualTo("metrics");
                assertThat(daemon.getArgs()).containsExactly("--metrics", "0.0.0.0:" + port.getContainerPort());
            });
            String socket = daemon.getEnv().stream().filter(env -> env.getName().equals(SOCKET_VARIABLE))
                    .findFirst().orElseThrow().getValue();
            assertThat(Files.readString(LAUNCHER_SOURCE)).contains("#define DEFAULT_SOCKET \"" + socket + "\"");
            assertThat(mountPaths(daemon)).contains(Path.of(socket).getParent().toString());
        }

        @Test
        void isPrivilegedInTheNodesNetworkAndProcessNamespaces() {
            PodSpec spec = daemonSpec();
            assertThat(spec.getHostNetwork()).isTrue();
            assertThat(spec.getHostPID()).as("the pid in the daemon's pid file is the node's").isTrue();
            var security = daemonContainer().getSecurityContext();
            assertThat(security.getPrivileged()).isTrue();
            assertThat(security.getSeccompProfile().getType()).isEqualTo("Unconfined");
            assertThat(security.getReadOnlyRootFilesystem()).isTrue();
        }

        @Test
        void isProbedByTheLaunchersOwnCheckForReadinessAndLiveness() {
            Container daemon = daemonContainer();
            for (var probe : List.of(daemon.getReadinessProbe(), daemon.getLivenessProbe())) {
                assertThat(probe.getExec().getCommand()).containsExactly(IMAGE_PLUGIN, "daemon", "--check");
                assertThat(probe.getTimeoutSeconds()).isPositive();
            }
            assertThat(daemon.getLivenessProbe().getInitialDelaySeconds()).as("the JVM's start").isPositive();
        }

        @Test
        void mountsEveryNodeDirectoryAtItsOwnPath() {
            Map<String, String> hostPaths = hostPaths(daemonSpec());
            assertThat(daemonContainer().getVolumeMounts()).isNotEmpty().allSatisfy(mount -> {
                assertThat(hostPaths).as("%s is a node directory", mount.getName()).containsKey(mount.getName());
                assertThat(mount.getMountPath()).as("mount of %s", mount.getName())
                        .isEqualTo(hostPaths.get(mount.getName()));
            });
        }

        @Test
        void seesTheNamespacesAndPodVolumesMountedAfterItStarted() {
            Map<String, String> propagation = daemonContainer().getVolumeMounts().stream()
                    .filter(m -> m.getMountPropagation() != null)
                    .collect(Collectors.toMap(VolumeMount::getMountPath, VolumeMount::getMountPropagation));
            assertThat(propagation).containsOnly(Map.entry("/run/netns", "HostToContainer"),
                    Map.entry("/var/lib/kubelet", "HostToContainer"));
        }

        @Test
        void reachesWhatThePluginUsesByDefaultAndWhatTheNetworksName() {
            List<String> mounted = mountPaths(daemonContainer());
            List<Path> used = new ArrayList<>(List.of(Path.of("/opt/cni/bin/host-local"),
                    Path.of("/var/lib/cni/networks"), NetConf.DEFAULT_DATA_DIR, NetConf.DEFAULT_SHARED_DIR,
                    Path.of(KUBECONFIG), Path.of(OVSDB_SOCKET), Path.of(VPP_API_SOCKET),
                    Path.of("/run/netns/cni-0"), Path.of("/var/lib/kubelet/pods"),
                    // the plugin's default directory of links to pods' long socket directories (host-plugin Pods)
                    Path.of("/var/lib/vhost_sockets")));
            networks().forEach((name, config) -> decode(name, config).logFile().map(Path::of).ifPresent(used::add));
            assertThat(used).allSatisfy(path -> assertThat(mounted)
                    .as("a mount of the daemon holding %s", path).anySatisfy(dir -> assertThat(path)
                            .startsWithRaw(Path.of(dir))));
            assertThat(daemonContainer().getVolumeMounts()).filteredOn(m -> !Boolean.TRUE.equals(m.getReadOnly()))
                    .extracting(VolumeMount::getMountPath).doesNotContain("/opt/cni/bin", KUBECONFIG_DIR);
        }
    }

    @Nested
    class TheNetworks {

        @Test
        void areNetworkAttachmentDefinitionsThePluginAccepts() {
            assertThat(networks()).hasSizeGreaterThanOrEqualTo(3).allSatisfy((name, config) -> {
                NetConf conf = decode(name, config);
                ObjectNode json = NetConfDecoder.parseObject(config.getBytes(StandardCharsets.UTF_8));
                assertThat(NetConfDecoder.version(json).text()).as("cniVersion of %s", name).isEqualTo("1.0.0");
                assertThat(conf.type()).as("type of %s", name).isEqualTo("userspace");
                assertThat(conf.name()).as("the network name of %s", name).isEqualTo(name);
                assertThat(conf.kubeconfig()).as("kubeconfig of %s", name).contains(KUBECONFIG);
                assertThat(conf.ipam().orElseThrow().type()).as("IPAM of %s", name).isEqualTo("host-local");
                assertThat(conf.logFile()).as("log file of %s", name).isPresent();
                assertThat(json.path("capabilities").path("CNIDeviceInfoFile").asBoolean(false))
                        .as("the CNIDeviceInfoFile capability of %s", name).isTrue();
            });
        }

        @Test
        void offerOvsDpdkVhostUserInBothModesAndVppMemifInABridgeDomain() {
            NetConf client = netConf("ovs-vhostuser-client");
            assertThat(client.host().engine()).isEqualTo("ovs-dpdk");
            assertThat(client.host().iftype()).isEqualTo(InterfaceType.VHOSTUSER);
            assertThat(client.host().vhost().mode()).contains(VhostMode.CLIENT);
            assertThat(client.host().bridge().bridgeName()).isPresent();

            NetConf server = netConf("ovs-vhostuser-server");
            assertThat(server.host().engine()).isEqualTo("ovs-dpdk");
            assertThat(server.host().iftype()).isEqualTo(InterfaceType.VHOSTUSER);
            assertThat(server.host().vhost().mode()).contains(VhostMode.SERVER);
            assertThat(server.host().bridge().bridgeName()).isPresent();

            NetConf vpp = netConf("vpp-memif");
            assertThat(vpp.host().engine()).isEqualTo("vpp");
            assertThat(vpp.host().iftype()).isEqualTo(InterfaceType.MEMIF);
            assertThat(vpp.host().memif().role()).contains(MemifRole.MASTER);
            assertThat(vpp.host().netType()).contains(NetType.BRIDGE);
            assertThat(vpp.host().bridge().bridgeName()).contains("4");
        }

        @Test
        void pointAtTheKubeconfigTheInstallerWrites() {
            Set<String> hostPaths = daemonSet().getSpec().getTemplate().getSpec().getVolumes().stream()
                    .filter(v -> v.getHostPath() != null).map(v -> v.getHostPath().getPath())
                    .collect(Collectors.toSet());
            assertThat(hostPaths).contains(Path.of(KUBECONFIG).getParent().toString());
            assertThat(installerConfigMap().getData().get("install.sh"))
                    .contains("kubeconfig=\"$host_root" + KUBECONFIG + "\"");
        }
    }

    @Nested
    class TheExamplePods {

        @Test
        void attachToNetworksDefinedBeside() {
            assertThat(pods()).hasSizeGreaterThanOrEqualTo(2).allSatisfy(pod -> {
                String networks = pod.getMetadata().getAnnotations().get("k8s.v1.cni.cncf.io/networks");
                assertThat(networks).as("networks of %s", pod.getMetadata().getName()).isNotBlank();
                for (String entry : networks.split(",")) {
                    // namespace/name@interface, namespace and interface optional
                    String name = entry.trim().replaceFirst("^.*/", "").replaceFirst("@.*$", "");
                    assertThat(networks()).as("networks of %s", pod.getMetadata().getName()).containsKey(name);
                }
            });
        }

        @Test
        void haveASharedDirVolumeAtTheAgentsSharedDirectory() {
            assertThat(pods()).allSatisfy(pod -> {
                Volume shared = volume(pod, "shared-dir").orElseThrow();
                assertThat(shared.getHostPath() != null || shared.getEmptyDir() != null)
                        .as("shared-dir of %s is a hostPath or an emptyDir", pod.getMetadata().getName()).isTrue();
                if (shared.getHostPath() != null) {
                    assertThat(Path.of(shared.getHostPath().getPath())).startsWithRaw(NetConf.DEFAULT_SHARED_DIR);
                }
                assertThat(pod.getSpec().getContainers()).allSatisfy(c -> assertThat(mountPath(c, "shared-dir"))
                        .contains(SHARED_DIR_MOUNT));
            });
        }

        @Test
        void readTheirAnnotationsThroughTheDownwardApi() {
            assertThat(pods()).allSatisfy(pod -> {
                Volume podinfo = volume(pod, "podinfo").orElseThrow();
                assertThat(podinfo.getDownwardAPI().getItems()).anySatisfy(item -> {
                    assertThat(item.getPath()).isEqualTo("annotations");
                    assertThat(item.getFieldRef().getFieldPath()).isEqualTo("metadata.annotations");
                });
                assertThat(pod.getSpec().getContainers()).allSatisfy(c -> {
                    assertThat(mountPath(c, "podinfo")).contains(PODINFO_MOUNT);
                    // Named, not left to the agent's guess between a data directory and the annotations file.
                    assertThat(c.getEnv()).anySatisfy(env -> {
                        assertThat(env.getName()).isEqualTo("USRSP_AGENT_ARGS");
                        assertThat(env.getValue()).isEqualTo("--podinfo " + PODINFO_MOUNT + "/annotations");
                    });
                });
            });
        }

        @Test
        void reserveHugepagesAsGuaranteedPodsWithNetAdminButNotPrivileged() {
            assertThat(pods()).allSatisfy(pod -> assertThat(pod.getSpec().getContainers()).allSatisfy(c -> {
                Map<String, Quantity> requests = c.getResources().getRequests();
                Map<String, Quantity> limits = c.getResources().getLimits();
                assertThat(requests).containsKey("hugepages-2Mi");
                assertThat(limits).containsAllEntriesOf(requests);
                assertThat(requests).containsAllEntriesOf(limits);
                assertThat(c.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
                assertThat(c.getSecurityContext().getCapabilities().getAdd()).contains("NET_ADMIN");
            }));
        }

        @Test
        void giveTheContainerOvsHugepagesAndTheTunDeviceItsBridgeNeeds() {
            Pod pod = pods().stream().filter(p -> p.getMetadata().getName().contains("ovs")).findFirst()
                    .orElseThrow();
            Container c = pod.getSpec().getContainers().get(0);
            assertThat(c.getImage()).contains("/usrsp-ovs:");
            Volume hugepages = pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getEmptyDir() != null && "HugePages".equals(v.getEmptyDir().getMedium()))
                    .findFirst().orElseThrow();
            assertThat(c.getEnv()).anySatisfy(env -> {
                assertThat(env.getName()).isEqualTo("USRSP_HUGE_DIR");
                assertThat(mountPath(c, hugepages.getName())).contains(env.getValue());
            });
            Volume tun = pod.getSpec().getVolumes().stream()
                    .filter(v -> v.getHostPath() != null && v.getHostPath().getPath().equals("/dev/net/tun"))
                    .findFirst().orElseThrow();
            assertThat(tun.getHostPath().getType()).isEqualTo("CharDevice");
            assertThat(mountPath(c, tun.getName())).contains("/dev/net/tun");
            // The entrypoint's default command, a shell, would end at once without a terminal.
            assertThat(c.getArgs()).isNotEmpty();
        }
    }

    /** The ConfigMap's install.sh run by sh, as the DaemonSet runs it, on a node made of temporary directories. */
    @Nested
    class TheInstallScript {

        @TempDir
        Path tmp;

        @Test
        void installsThePluginWithItsRuntimeAndWritesTheKubeconfig() throws Exception {
            Node node = new Node(tmp);
            Run run = node.run(Map.of(), "install");
            assertThat(run.exitCode()).as(run.log()).isZero();
            assertThat(run.log()).contains("supportedVersions");

            Path bin = node.root().resolve("opt/cni/bin");
            Path link = bin.resolve("userspace.d");
            assertThat(link).isSymbolicLink();
            assertThat(Files.readSymbolicLink(link).toString()).matches("userspace\\.d\\.[A-Za-z0-9]{6}");
            assertThat(link.resolve("jre/bin/java")).isExecutable();
            assertThat(link.resolve("lib/host-plugin.jar")).exists();
            assertThat(bin.resolve("userspace")).isExecutable().hasSameBinaryContentAs(node.source()
                    .resolve("userspace"));
            assertThat(node.root().resolve("var/lib/cni/usrspcni/shared")).isDirectory();

            Path kubeconfig = node.root().resolve(KUBECONFIG.substring(1));
            assertThat(Files.getPosixFilePermissions(kubeconfig))
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            assertThat(config.getMasterUrl()).isEqualTo("https://10.96.0.1:443/");
            assertThat(Optional.ofNullable(config.getOauthToken()).orElse(config.getAutoOAuthToken()))
                    .isEqualTo(Node.TOKEN);
            assertThat(new String(Base64.getDecoder().decode(config.getCaCertData()), StandardCharsets.US_ASCII))
                    .isEqualTo(Node.CA);
        }

        @Test
        void archivesThePluginsClassesInTheNodesPluginDirectory() throws Exception {
            Node node = new Node(tmp);
            Path archiver = node.source().resolve("userspace.d/class-archive");
            Files.writeString(archiver, "#!/bin/sh\ncd \"$(dirname \"$0\")\" && pwd -P >archived-here\n");
            Files.setPosixFilePermissions(archiver, PosixFilePermissions.fromString("rwxr-xr-x"));
            Path bin = node.root().resolve("opt/cni/bin");
            Run run = node.run(Map.of("USRSP_NODE_BIN_DIR", bin.toString()), "install");
            assertThat(run.exitCode()).as(run.log()).isZero();
            Path installed = bin.resolve("userspace.d").toRealPath();
            assertThat(installed.resolve("archived-here")).hasContent(installed + "\n");
            assertThat(run.log()).contains("archived the plugin's classes for " + bin);
        }

        @Test
        void aSecondInstallSwapsTheLinkKeepsThePreviousVersionAndRemovesOlderOnes() throws Exception {
            Node node = new Node(tmp);
            Path bin = node.root().resolve("opt/cni/bin");
            List<Path> targets = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Run run = node.run(Map.of(), "install");
                assertThat(run.exitCode()).as(run.log()).isZero();
                targets.add(bin.resolve(Files.readSymbolicLink(bin.resolve("userspace.d"))));
            }
            assertThat(targets).doesNotHaveDuplicates();
            assertThat(targets.get(0)).doesNotExist();
            assertThat(targets.get(1)).isDirectory();
            assertThat(targets.get(2)).isDirectory();
            try (Stream<Path> entries = Files.list(bin)) {
                assertThat(entries.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("userspace",
                        "userspace.d", targets.get(1).getFileName().toString(),
                        targets.get(2).getFileName().toString());
            }
        }

        @Test
        void movesAsideADirectoryInstalledByHand() throws Exception {
            Node node = new Node(tmp);
            Path handMade = node.root().resolve("opt/cni/bin/userspace.d/lib");
            Files.createDirectories(handMade);
            Run run = node.run(Map.of(), "install");
            assertThat(run.exitCode()).as(run.log()).isZero();
            assertThat(node.root().resolve("opt/cni/bin/userspace.d")).isSymbolicLink();
            assertThat(node.root().resolve("opt/cni/bin/userspace.d.replaced/lib")).isDirectory();
        }

        @Test
        void refusesARuntimeThatIsOnlyALinkIntoTheImage() throws Exception {
            Node node = new Node(tmp);
            Path jre = node.source().resolve("userspace.d/jre");
            Path real = node.source().resolve("elsewhere-jre");
            Files.move(jre, real);
            Files.createSymbolicLink(jre, real);
            Run run = node.run(Map.of(), "install");
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.log()).contains("is not a Java runtime directory");
            assertThat(node.root().resolve("opt/cni/bin")).doesNotExist();
        }

        @Test
        void writesAnIpv6ServiceAddressInBrackets() throws Exception {
            Node node = new Node(tmp);
            Run run = node.run(Map.of("KUBERNETES_SERVICE_HOST", "fd00:10:96::1"), "install");
            assertThat(run.exitCode()).as(run.log()).isZero();
            Config config = Config.fromKubeconfig(Files.readString(node.root().resolve(KUBECONFIG.substring(1))));
            assertThat(config.getMasterUrl()).isEqualTo("https://[fd00:10:96::1]:443/");
        }

        @Test
        void takesTheServerItIsGiven() throws Exception {
            Node node = new Node(tmp);
            Run run = node.run(Map.of("USRSP_KUBERNETES_SERVER", "https://api.example.com:6443"), "install");
            assertThat(run.exitCode()).as(run.log()).isZero();
            assertThat(Files.readString(node.root().resolve(KUBECONFIG.substring(1))))
                    .contains("server: \"https://api.example.com:6443\"");
        }

        @Test
        void refusesATokenItCouldNotQuote() throws Exception {
            Node node = new Node(tmp);
            Files.writeString(node.serviceAccount().resolve("token"), "abc\"\ndef");
            Run run = node.run(Map.of(), "install");
            assertThat(run.exitCode()).isNotZero();
            assertThat(run.log()).contains("is not a service account token");
        }

        @Test
        void rewritesTheKubeconfigWhenTheTokenRotatesAndStopsOnSigterm() throws Exception {
            Node node = new Node(tmp);
            Path kubeconfig = node.root().resolve(KUBECONFIG.substring(1));
            Process process = node.start(Map.of("USRSP_TOKEN_CHECK_SECONDS", "1"), "kubeconfig");
            try {
                awaitContent(kubeconfig, Node.TOKEN);
                // The kubelet swaps the projected files by renaming a directory link; a rename here does as well.
                Path next = node.serviceAccount().resolve(".token.next");
                Files.writeString(next, "rotated.token-2");
                Files.move(next, node.serviceAccount().resolve("token"),
                        StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                awaitContent(kubeconfig, "rotated.token-2");
                Files.delete(kubeconfig);
                awaitContent(kubeconfig, "rotated.token-2");
            } finally {
                process.destroy(); // SIGTERM, as the kubelet stops the container
            }
            assertThat(process.waitFor(5, TimeUnit.SECONDS)).as("stopped within 5 s of SIGTERM").isTrue();
            assertThat(process.exitValue()).isZero();
        }

        private void awaitContent(Path file, String expected) throws Exception {
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (!(Files.exists(file) && Files.readString(file).contains(expected))) {
                assertThat(Instant.now()).as("%s to contain %s", file, expected).isBefore(deadline);
                Thread.sleep(50);
            }
        }
    }

    /**
     * A node (its root directory, which the script sees as {@code /host}), the installer image's plugin with a
     * stand-in for its Java runtime, the pod's service account, and the ConfigMap's script.
     */
    static final class Node {

        static final String TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW0ifQ.c2lnbmF0dXJl";
        static final String CA = "-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n";

        private final Path root;
        private final Path source;
        private final Path serviceAccount;
        private final Path script;

        Node(Path tmp) throws IOException {
            root = tmp.resolve("node");
            source = tmp.resolve("image/opt/usrsp/cni/bin");
            serviceAccount = tmp.resolve("serviceaccount");
            script = tmp.resolve("install.sh");
            Files.createDirectories(root);
            Files.createDirectories(source.resolve("userspace.d/lib"));
            Files.createDirectories(source.resolve("userspace.d/backends"));
            // Stands in for the launcher (a native program, built with the plugin after this module) on a node
            // without a daemon: it runs the script that starts the JVM.
            Path launcher = Files.writeString(source.resolve("userspace"),
                    "#!/bin/sh\nexec \"${0%/*}/userspace.d/jvm\" \"$@\"\n");
            Path jvm = Files.copy(JVM_SCRIPT, source.resolve("userspace.d/jvm"));
            for (Path script : List.of(launcher, jvm)) {
                Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.writeString(source.resolve("userspace.d/lib/host-plugin.jar"), "a jar");
            // Stands in for the runtime: answers the launcher as the plugin answers VERSION.
            Path java = source.resolve("userspace.d/jre/bin/java");
            Files.createDirectories(java.getParent());
            Files.writeString(java, """
                    #!/bin/sh
                    [ "$CNI_COMMAND" = VERSION ] || exit 1
                    echo '{"cniVersion":"1.1.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}'
                    """);
            Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(serviceAccount);
            Files.writeString(serviceAccount.resolve("token"), TOKEN);
            Files.writeString(serviceAccount.resolve("ca.crt"), CA);
            Files.writeString(script, installerConfigMap().getData().get("install.sh"));
        }

        Path root() {
            return root;
        }

        Path source() {
            return source;
        }

        Path serviceAccount() {
            return serviceAccount;
        }

        Run run(Map<String, String> environment, String command) throws IOException, InterruptedException {
            Path log = Files.createTempFile(root.getParent(), "install", ".log");
            Process process = builder(environment, command, log).start();
            assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("install.sh %s finished", command).isTrue();
            return new Run(process.exitValue(), Files.readString(log));
        }

        Process start(Map<String, String> environment, String command) throws IOException {
            return builder(environment, command, Files.createTempFile(root.getParent(), "install", ".log")).start();
        }

        private ProcessBuilder builder(Map<String, String> environment, String command, Path log) {
            ProcessBuilder builder = new ProcessBuilder("sh", script.toString(), command)
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.clear();
            env.put("PATH", System.getenv("PATH"));
            env.put("USRSP_HOST_ROOT", root.toString());
            env.put("USRSP_SOURCE_DIR", source.toString());
            env.put("USRSP_SERVICE_ACCOUNT_DIR", serviceAccount.toString());
            env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
            env.put("KUBERNETES_SERVICE_PORT", "443");
            env.putAll(environment);
            return builder;
        }
    }

    record Run(int exitCode, String log) {
    }

    /** A container of one of the manifests, named for messages. */
    record NamedContainer(String owner, Container container) {
        @Override
        public String toString() {
            return owner + "/" + container.getName();
        }
    }

    static List<NamedContainer> containers() {
        List<NamedContainer> all = new ArrayList<>();
        for (Manifest m : manifests) {
            podSpec(m.object()).ifPresent(spec -> allContainers(spec)
                    .forEach(c -> all.add(new NamedContainer(m.toString(), c))));
        }
        return all;
    }

    static Optional<PodSpec> podSpec(HasMetadata object) {
        if (object instanceof Pod pod) {
            return Optional.of(pod.getSpec());
        } else if (object instanceof DaemonSet ds) {
            return Optional.of(ds.getSpec().getTemplate().getSpec());
        }
        return Optional.empty();
    }

    static List<Container> allContainers(PodSpec spec) {
        return Stream.concat(spec.getInitContainers().stream(), spec.getContainers().stream()).toList();
    }

    static <T extends HasMetadata> List<T> all(Class<T> type) {
        return manifests.stream().map(Manifest::object).filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T only(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as("%s objects", type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    static DaemonSet daemonSet() {
        return only(DaemonSet.class);
    }

    static PodSpec daemonSpec() {
        return daemonSet().getSpec().getTemplate().getSpec();
    }

    static Container daemonContainer() {
        return daemonSpec().getContainers().stream().filter(c -> c.getName().equals(DAEMON_CONTAINER)).findFirst()
                .orElseThrow();
    }

    /** The containers that install the plugin and keep its kubeconfig: all but the daemon. */
    static List<Container> installerContainers(PodSpec spec) {
        return allContainers(spec).stream().filter(c -> !c.getName().equals(DAEMON_CONTAINER)).toList();
    }

    /** Each hostPath volume's name and its node path. */
    static Map<String, String> hostPaths(PodSpec spec) {
        return spec.getVolumes().stream().filter(v -> v.getHostPath() != null)
                .collect(Collectors.toMap(Volume::getName, v -> v.getHostPath().getPath()));
    }

    static List<String> mountPaths(Container container) {
        return container.getVolumeMounts().stream().map(VolumeMount::getMountPath).toList();
    }

    static ConfigMap installerConfigMap() {
        return only(ConfigMap.class);
    }

    static List<Pod> pods() {
        return all(Pod.class);
    }

    /** Each NetworkAttachmentDefinition's name and its {@code spec.config}. */
    static Map<String, String> networks() {
        Map<String, String> networks = new LinkedHashMap<>();
        for (GenericKubernetesResource nad : all(GenericKubernetesResource.class)) {
            assertThat(nad.getApiVersion()).isEqualTo(NAD_API_VERSION);
            assertThat(nad.getKind()).isEqualTo(NAD_KIND);
            Object spec = nad.getAdditionalProperties().get("spec");
            assertThat(spec).as("spec of %s", nad.getMetadata().getName()).isInstanceOf(Map.class);
            Object config = ((Map<?, ?>) spec).get("config");
            assertThat(config).as("spec.config of %s", nad.getMetadata().getName()).isInstanceOf(String.class);
            networks.put(nad.getMetadata().getName(), (String) config);
        }
        return networks;
    }

    static NetConf netConf(String network) {
        assertThat(networks()).containsKey(network);
        return decode(network, networks().get(network));
    }

    /** The configuration as the plugin reads it from stdin; a refusal fails the test with the plugin's code. */
    static NetConf decode(String network, String config) {
        try {
            ObjectNode json = NetConfDecoder.parseObject(config.getBytes(StandardCharsets.UTF_8));
            NetConfDecoder.version(json);
            return NetConfDecoder.netConf(json);
        } catch (CniException e) {
            throw new AssertionError("the plugin refuses the configuration of " + network + " with code "
                    + e.code() + ": " + e.getMessage(), e);
        }
    }

    static Optional<Volume> volume(Pod pod, String name) {
        return pod.getSpec().getVolumes().stream().filter(v -> v.getName().equals(name)).findFirst();
    }

    static Optional<String> mountPath(Container container, String volume) {
        return container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume))
                .map(VolumeMount::getMountPath).findFirst();
    }

    /**
     * Walks a fabric8 model object and lists every {@code additionalProperties} that is not empty: where the
     * model's deserializer puts keys it does not know.
     */
    static void collectUnknownFields(Object value, String path, List<String> unknown) {
        if (value == null) {
            return;
        }
        if (value instanceof Collection<?> collection) {
            int i = 0;
            for (Object element : collection) {
                collectUnknownFields(element, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, element) -> collectUnknownFields(element, path + "." + key, unknown));
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object property;
            try {
                property = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(getter + " of " + path, e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (property instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
            } else {
                String name = getter.getName().substring(3);
                collectUnknownFields(property, path + "." + Character.toLowerCase(name.charAt(0))
                        + name.substring(1), unknown);
            }
        }
    }

}
