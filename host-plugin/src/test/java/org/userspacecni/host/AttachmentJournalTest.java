package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.core.SocketPlacement;
import org.userspacecni.core.cni.NetConfDecoder;
import org.userspacecni.spi.Attachment;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;
import org.userspacecni.spi.HostPort;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Network;

/**
 * The attachment journal: what is recorded is listed per network with its device-info file until it is
 * forgotten, a host end keeps the directory its sockets were placed in, an attachment is begun once, any container id and network name make a valid file name, the directory goes with the last entry, concurrent ADDs and DELs of other attachments never make
 * a record fail, and a link in place of the directory is refused.
 */
class AttachmentJournalTest {

    @TempDir
    Path dataDir;

    @Test
    void listsWhatIsRecordedPerNetworkUntilItIsForgotten() {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId a = new AttachmentId("c0ffee000001", "net1");
        AttachmentId b = new AttachmentId("c0ffee000002", "net.1");
        DeviceInfo.Written info = new DeviceInfo.Written(Path.of("/run/devinfo/a.json"), "(dev=1,ino=2)");
        assertThat(journal.begin("net-a", a)).isTrue();
        journal.deviceInfoWritten("net-a", a, info);
        assertThat(journal.begin("net-a", b)).isTrue();
        assertThat(journal.begin("net-b", a)).isTrue();

        assertThat(journal.of("net-a")).isEqualTo(Map.of(
                a, new AttachmentJournal.Entry("net-a", a, Optional.of(info)),
                b, new AttachmentJournal.Entry("net-a", b, Optional.empty())));
        assertThat(journal.of("net-b")).containsOnlyKeys(a);

        journal.forget("net-a", a);
        journal.forget("net-a", b);
        journal.forget("net-b", a);
        journal.forget("net-b", a);
        assertThat(journal.of("net-a")).isEmpty();
        assertThat(dataDir.resolve(AttachmentJournal.DIRECTORY)).doesNotExist();
    }

    @Test
    void aRecordedHostEndPlacesItsSocketsWhereAddPlacedThemNotInTheConfiguredSharedDirectory() {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId id = new AttachmentId("c0ffee000001", "net1");
        NetConf conf = netConf("\"engine\":\"ovs-dpdk\",\"iftype\":\"vhostuser\"");
        Path podLink = Path.of("/links/pod-uid");
        Attachment added = new Attachment(id, Optional.empty(), Network.of(conf), "02:00:00:00:00:01", SocketPlacement.in(podLink));
        journal.begin("net", id);
        journal.hostEndMade("net", id, new AttachmentJournal.HostEnd(added, new HostPort("c0ffee000001-net1",
                podLink.resolve("c0ffee000001-net1").toString(), Optional.empty(), Optional.empty()), Optional.empty()));

        Attachment read = journal.find("net", id).flatMap(AttachmentJournal.Entry::host).orElseThrow().attachment();

        assertThat(read.network()).isEqualTo(Network.of(conf));
        assertThat(read.sockets().locate("c0ffee000001-net1")).isEqualTo(podLink.resolve("c0ffee000001-net1"));
    }

    @Test
    void theHostEndKeepsItsPodWhenItWasMadeAndItsLastFailureAcrossARestore() {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId id = new AttachmentId("c0ffee000002", "net1");
        NetConf conf = netConf("\"engine\":\"vpp\",\"iftype\":\"memif\"");
        Attachment added = new Attachment(id, Optional.empty(), Network.of(conf), "02:00:00:00:00:02",
                SocketPlacement.in(Path.of("/shared")));
        Instant made = Instant.ofEpochMilli(1_700_000_000_123L);
        AttachmentJournal.Pod pod = new AttachmentJournal.Pod("dpdk-apps", "pod-1");
        journal.begin("net", id);
        journal.hostEndMade("net", id, new AttachmentJournal.HostEnd(added, new HostPort("memif1/0",
                "/shared/memif-c0ffee000002-net1.sock", Optional.empty(), Optional.empty()), Optional.of("run-1"),
                Optional.of(pod), Optional.of(made), Optional.empty()));
        AttachmentJournal.LastError error = new AttachmentJournal.LastError(made.plusSeconds(60),
                "restore: error 7: the socket is another's");
        journal.hostEndFailed("net", id, error);
        AttachmentJournal.HostEnd failed = journal.find("net", id).flatMap(AttachmentJournal.Entry::host).orElseThrow();
        journal.hostEndRestored("net", id, failed.on(Optional.of("run-2")));

        AttachmentJournal.HostEnd read = journal.find("net", id).flatMap(AttachmentJournal.Entry::host).orElseThrow();
        assertThat(read.pod()).contains(pod);
        assertThat(read.made()).contains(made);
        assertThat(read.lastError()).contains(error);
        assertThat(read.instance()).contains("run-2");

        journal.hostEndRemoving("net", id);
        journal.hostEndFailed("net", id, error);
        assertThat(journal.find("net", id).flatMap(AttachmentJournal.Entry::host)).as("DEL dropped it").isEmpty();
        journal.forget("net", id);
        journal.hostEndFailed("net", id, error);
        assertThat(journal.find("net", id)).as("a forgotten attachment stays forgotten").isEmpty();
    }

    @Test
    void aSecondBeginOfTheSameAttachmentIsRefusedAndChangesNothing() {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId id = new AttachmentId("c0ffee000001", "net1");
        DeviceInfo.Written info = new DeviceInfo.Written(Path.of("/run/devinfo/a.json"), "(dev=1,ino=2)");
        assertThat(journal.begin("net", id)).isTrue();
        journal.deviceInfoWritten("net", id, info);

        assertThat(journal.begin("net", id)).isFalse();
        assertThat(journal.find("net", id)).contains(new AttachmentJournal.Entry("net", id, Optional.of(info)));
        assertThat(journal.begin("other-net", id)).isTrue();
    }

    @Test
    void theLongestContainerIdsAndNetworkNamesMakeValidFileNames() {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId id = new AttachmentId("c".repeat(255), "net1");
        String network = "n".repeat(400);
        assertThat(journal.begin(network, id)).isTrue();

        assertThat(journal.of(network)).containsOnlyKeys(id);
        journal.forget(network, id);
        assertThat(journal.find(network, id)).isEmpty();
    }

    @Test
    void readsAndForgetsAnEntryOfTheEarlierLayout() throws IOException {
        Path dir = Files.createDirectories(dataDir.resolve(AttachmentJournal.DIRECTORY));
        Files.writeString(dir.resolve("net:c0ffee000001:net1"), "/run/devinfo/a.json");
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        AttachmentId id = new AttachmentId("c0ffee000001", "net1");

        assertThat(journal.begin("net", id)).isFalse();
        assertThat(journal.of("net")).isEqualTo(Map.of(id, new AttachmentJournal.Entry("net", id,
                Optional.of(new DeviceInfo.Written(Path.of("/run/devinfo/a.json"), "")))));
        journal.forget("net", id);
        assertThat(dir).doesNotExist();
    }

    @Test
    void concurrentRecordsAndForgetsOfOtherAttachmentsNeverFail() throws Exception {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var runs = IntStream.range(0, 8).mapToObj(worker -> pool.submit(() -> {
                AttachmentId id = new AttachmentId("worker" + worker, "net1");
                for (int i = 0; i < 200; i++) {
                    assertThat(journal.begin("net", id)).isTrue();
                    journal.forget("net", id);
                }
            })).collect(Collectors.toList());
            for (Future<?> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdown();
        }
        assertThat(journal.of("net")).isEmpty();
    }

    @Test
    void aLinkInPlaceOfTheDirectoryIsRefused() throws IOException {
        Path elsewhere = Files.createDirectory(dataDir.resolve("elsewhere"));
        Files.createSymbolicLink(dataDir.resolve(AttachmentJournal.DIRECTORY), elsewhere);

        assertThatThrownBy(() -> new AttachmentJournal(dataDir).begin("net",
                new AttachmentId("c0ffee000001", "net1")))
                .isInstanceOf(CniException.class).hasMessageContaining("cannot record");
        try (var files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }

    /** Network "net" in /shared with the host section {@code host}. */
    private static NetConf netConf(String host) {
        return NetConfDecoder.netConf(NetConfDecoder.parseObject(("{\"cniVersion\":\"1.1.0\",\"name\":\"net\","
                + "\"type\":\"userspace\",\"sharedDir\":\"/shared\",\"host\":{" + host + "}}")
                .getBytes(StandardCharsets.UTF_8)));
    }
}
