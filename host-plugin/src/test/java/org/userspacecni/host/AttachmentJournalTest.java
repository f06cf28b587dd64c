package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.userspacecni.spi.AttachmentId;
import org.userspacecni.spi.CniException;

/**
 * The attachment journal: what is recorded is listed per network with its device-info file until it is
 * forgotten, the directory goes with the last entry, concurrent ADDs and DELs of other attachments never make
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
        journal.record("net-a", a, Optional.of(Path.of("/run/devinfo/a.json")));
        journal.record("net-a", b, Optional.empty());
        journal.record("net-b", a, Optional.empty());

        assertThat(journal.of("net-a")).isEqualTo(Map.of(a, Optional.of(Path.of("/run/devinfo/a.json")),
                b, Optional.empty()));
        assertThat(journal.of("net-b")).containsOnlyKeys(a);

        journal.forget("net-a", a);
        journal.forget("net-a", b);
        journal.forget("net-b", a);
        journal.forget("net-b", a);
        assertThat(journal.of("net-a")).isEmpty();
        assertThat(dataDir.resolve(AttachmentJournal.DIRECTORY)).doesNotExist();
    }

    @Test
    void concurrentRecordsAndForgetsOfOtherAttachmentsNeverFail() throws Exception {
        AttachmentJournal journal = new AttachmentJournal(dataDir);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            var runs = IntStream.range(0, 8).mapToObj(worker -> pool.submit(() -> {
                AttachmentId id = new AttachmentId("worker" + worker, "net1");
                for (int i = 0; i < 200; i++) {
                    journal.record("net", id, Optional.empty());
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

        assertThatThrownBy(() -> new AttachmentJournal(dataDir).record("net",
                new AttachmentId("c0ffee000001", "net1"), Optional.empty()))
                .isInstanceOf(CniException.class).hasMessageContaining("cannot record");
        try (var files = Files.list(elsewhere)) {
            assertThat(files).isEmpty();
        }
    }
}
