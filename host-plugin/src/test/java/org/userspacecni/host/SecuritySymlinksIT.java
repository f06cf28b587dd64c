package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.userspacecni.testkit.CniInvocation;
import org.userspacecni.testkit.OvsSandbox;
import org.userspacecni.testkit.recording.RecordingBackend;

/**
 * The built plugin follows no symbolic link below its roots. Links planted where it keeps a container's store
 * directory, a document, a socket, the device-info file, a pod's socket directory or its log file, each pointing
 * outside: ADD either fails with error 5 naming the link, replaces the link itself (a document), refuses it with
 * 7 (a device-info file) or takes another name (a socket); DEL and GC remove at most a link in place of a
 * document, never one in place of a socket or device-info file; a log file that is a link is refused with a warning and the command still succeeds. The outside
 * files and directories keep their content and mode throughout.
 */
class SecuritySymlinksIT extends PluginFixtureTest {

    static final String CONTAINER = "link0123456789ab";
    Path outside;

    @BeforeEach
    void outside() throws Exception {
        outside = Files.createDirectories(root.resolve("outside"));
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rwxr-x---"));
        Files.writeString(outside.resolve("net1.json"), "{\"cniVersion\":\"1.1.0\",\"precious\":true}");
        Files.setPosixFilePermissions(outside.resolve("net1.json"), PosixFilePermissions.fromString("rw-r--r--"));
    }

    /** Every path below {@code outside} (itself included) with its mode and, for files, its content. */
    Map<String, String> outsideState() throws Exception {
        Map<String, String> state = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(outside)) {
            for (Path path : paths.toList()) {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(path,
                        LinkOption.NOFOLLOW_LINKS));
                state.put(outside.relativize(path).toString(), mode
                        + (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) ? " " + Files.readString(path) : ""));
            }
        }
        return state;
    }

    static CniInvocation.Outcome ok(CniInvocation.Outcome outcome) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isZero();
        return outcome;
    }

    static void refused(CniInvocation.Outcome outcome, Path link) {
        assertThat(outcome.exitCode()).as(outcome.stdout() + outcome.stderr()).isEqualTo(1);
        assertThat(outcome.json().path("code").asInt()).isEqualTo(5);
        assertThat(outcome.json().path("msg").asText()).contains(link.toString()).contains("symbolic link");
    }

    CniInvocation plugin() {
        return fixture.attachment(CONTAINER, "net1");
    }

    @Test
    void aContainerStoreDirectoryThatIsALinkIsRefusedAndDelRemovesOnlyTheLink() throws Exception {
        Map<String, String> before = outsideState();
        Files.createDirectories(fixture.dataDir());
        Path link = Files.createSymbolicLink(fixture.dataDir().resolve(CONTAINER), outside);

        refused(plugin().run("ADD", fixture.config("1.1.0", "")), link);
        assertThat(fixture.ports()).isEmpty();
        assertThat(fixture.ipam.leases()).isEmpty();
        assertThat(outsideState()).isEqualTo(before);

        ok(plugin().run("DEL", fixture.config("1.1.0", "")));
        assertThat(Files.exists(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void gcLeavesALinkedStoreDirectoryAndItsTargetAlone() throws Exception {
        Map<String, String> before = outsideState();
        Files.createDirectories(fixture.dataDir());
        Path link = Files.createSymbolicLink(fixture.dataDir().resolve(CONTAINER), outside);
        CniInvocation.Outcome collected = new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni")
                .env("USERSPACE_CNI_BACKENDS", PluginFixture.testkitJar().toString())
                .env(RecordingBackend.DIR_VARIABLE, fixture.switchDir().toString())
                .run("GC", fixture.config("1.1.0", ",\"cni.dev/valid-attachments\":[]"));
        ok(collected);
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void aDocumentThatIsALinkIsReplacedByAddAndRemovedAsALinkByDel() throws Exception {
        Map<String, String> before = outsideState();
        Path document = Files.createDirectories(fixture.dataDir().resolve(CONTAINER)).resolve("net1.json");
        Files.createSymbolicLink(document, outside.resolve("net1.json"));

        ok(plugin().run("ADD", fixture.config("1.1.0", "")));
        assertThat(Files.isRegularFile(document, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(outsideState()).isEqualTo(before);

        Files.delete(document);
        Files.createSymbolicLink(document, outside.resolve("net1.json"));
        ok(plugin().run("DEL", fixture.config("1.1.0", "")));
        assertThat(Files.exists(document, LinkOption.NOFOLLOW_LINKS)).isFalse();
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void aLinkPlantedAtTheDeviceInfoFileIsNeitherFollowedNorReplacedNorRemoved() throws Exception {
        Map<String, String> before = outsideState();
        Path deviceInfo = Files.createDirectories(root.resolve("devinfo")).resolve("pod-net1.json");
        Files.createSymbolicLink(deviceInfo, outside.resolve("net1.json"));
        String config = fixture.config("1.1.0", ",\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"" + deviceInfo + "\"}");

        CniInvocation.Outcome refused = plugin().run("ADD", config);
        assertThat(refused.json().path("code").asInt()).as(refused.stdout()).isEqualTo(7);
        assertThat(refused.json().path("msg").asText()).contains("exists already and is not this attachment's");
        assertThat(Files.readSymbolicLink(deviceInfo)).isEqualTo(outside.resolve("net1.json"));
        assertThat(outsideState()).isEqualTo(before);

        ok(plugin().run("DEL", config));
        assertThat(Files.readSymbolicLink(deviceInfo)).isEqualTo(outside.resolve("net1.json"));
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void delRemovesTheDeviceInfoFileAddWroteAndNotAFileThatTookItsPlace() throws Exception {
        Map<String, String> before = outsideState();
        Path deviceInfo = Files.createDirectories(root.resolve("devinfo")).resolve("pod-net1.json");
        String config = fixture.config("1.1.0", ",\"runtimeConfig\":{\"CNIDeviceInfoFile\":\"" + deviceInfo + "\"}");

        ok(plugin().run("ADD", config));
        assertThat(Files.isRegularFile(deviceInfo, LinkOption.NOFOLLOW_LINKS)).isTrue();
        assertThat(Files.readString(deviceInfo)).contains("vhost-user");
        Files.delete(deviceInfo);
        Files.createSymbolicLink(deviceInfo, outside.resolve("net1.json"));

        ok(plugin().run("DEL", config));
        assertThat(Files.readSymbolicLink(deviceInfo)).isEqualTo(outside.resolve("net1.json"));
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void aLogFileThatIsALinkIsRefusedWithAWarningAndTheCommandSucceeds() throws Exception {
        Map<String, String> before = outsideState();
        Path logFile = Files.createSymbolicLink(root.resolve("plugin.log"), outside.resolve("net1.json"));
        String config = fixture.config("1.1.0", ",\"logLevel\":\"debug\",\"logFile\":\"" + logFile + "\"");

        CniInvocation.Outcome added = ok(plugin().run("ADD", config));
        assertThat(added.stderr()).contains("cannot open log file " + logFile + ": it is a symbolic link");
        assertThat(added.json().path("interfaces").size()).isEqualTo(1);
        ok(plugin().run("DEL", config));
        assertThat(Files.isSymbolicLink(logFile)).isTrue();
        assertThat(outsideState()).isEqualTo(before);
    }

    @Test
    void aLinkAtASocketPathIsNeitherFollowedNorRemovedByTheOvsEngine() throws Exception {
        Map<String, String> before = outsideState();
        try (OvsSandbox ovs = OvsSandbox.start(root.resolve("ovs"))) {
            String config = "{\"cniVersion\":\"1.1.0\",\"name\":\"ovs-links\",\"type\":\"userspace\",\"sharedDir\":\""
                    + fixture.sharedDir() + "\",\"dataDir\":\"" + fixture.dataDir() + "\",\"host\":{"
                    + "\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\",\"bridge\":{\"bridgeName\":\"br-links\"},"
                    + "\"options\":{\"ovsdbSocket\":\"" + ovs.dbSocket() + "\",\"waitForVswitchd\":\"false\"}},"
                    + "\"ipam\":" + fixture.ipam.section() + "}";
            Path link = Files.createDirectories(fixture.sharedDir()).resolve("link01234567-net1");
            CniInvocation plugin = PluginFixture.invocation(CONTAINER, fixture.netns);

            Files.createSymbolicLink(link, outside.resolve("net1.json"));
            Path socket = Path.of(ok(plugin.run("ADD", config)).json().at("/interfaces/0/socketPath").asText());
            assertThat(socket).isNotEqualTo(link);
            ok(plugin.run("DEL", config));
            assertThat(Files.readSymbolicLink(link)).isEqualTo(outside.resolve("net1.json"));
            assertThat(outsideState()).isEqualTo(before);

            ok(plugin.run("ADD", config));
            Files.createSymbolicLink(socket, outside.resolve("net1.json"));
            ok(new CniInvocation(PluginFixture.plugin()).env("CNI_PATH", "/usr/lib/cni")
                    .run("GC", config.replaceFirst("}$", ",\"cni.dev/valid-attachments\":[]}")));
            assertThat(Files.readSymbolicLink(socket)).isEqualTo(outside.resolve("net1.json"));
            assertThat(Files.readSymbolicLink(link)).isEqualTo(outside.resolve("net1.json"));
            assertThat(outsideState()).isEqualTo(before);
            Files.delete(socket);
            Files.delete(link);
        }
    }

    @Test
    void aPodSocketDirectoryThatIsALinkIsRefused() throws Exception {
        Map<String, String> before = outsideState();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient admin = server.createClient()) {
            admin.pods().inNamespace("dpdk").resource(new PodBuilder().withNewMetadata().withName("pod-l")
                    .endMetadata().withNewSpec().addNewContainer().withName("c").withImage("i:1").endContainer()
                    .endSpec().build()).create();
            Path kubeconfig = Files.writeString(root.resolve("kubeconfig"), "apiVersion: v1\nkind: Config\n"
                    + "clusters:\n- name: m\n  cluster:\n    server: " + server.url("/").replaceAll("/$", "") + "\n"
                    + "users:\n- name: u\n  user:\n    token: t\ncontexts:\n- name: x\n  context:\n    cluster: m\n"
                    + "    user: u\ncurrent-context: x\n");
            String config = fixture.config("1.1.0", ",\"kubeconfig\":\"" + kubeconfig + "\"");
            CniInvocation plugin = plugin().env("CNI_ARGS", "IgnoreUnknown=1;K8S_POD_NAMESPACE=dpdk;K8S_POD_NAME=pod-l");
            Path link = Files.createDirectories(fixture.sharedDir()).resolve("link01234567");
            Files.createSymbolicLink(link, outside);

            refused(plugin.run("ADD", config), link);
            assertThat(fixture.ports()).isEmpty();
            assertThat(outsideState()).isEqualTo(before);
            ok(plugin.run("DEL", config));
            assertThat(outsideState()).isEqualTo(before);
        } finally {
            server.destroy();
        }
    }
}
