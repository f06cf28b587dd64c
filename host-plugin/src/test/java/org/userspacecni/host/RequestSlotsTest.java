package org.userspacecni.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import org.junit.jupiter.api.Test;

/**
 * The daemon's admission control: requests run at once up to the limit, then wait in line in the order they
 * came, up to the line's length; one more is refused at once, one that waited too long is refused, and nothing
 * gets a slot once the daemon stops.
 */
class RequestSlotsTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    private RequestSlots slots(int running, int waiting, Duration maxWait) {
        return new RequestSlots(new RequestSlots.Limits(running, waiting, maxWait),
                new PrintStream(log, true, StandardCharsets.UTF_8));
    }

    @Test
    void requestsRunAtOnceWhileASlotIsFree() throws Exception {
        RequestSlots slots = slots(2, 1, LONG);
        RequestSlots.Slot first = slots.take();
        RequestSlots.Slot second = slots.take();
        assertThat(slots.running()).isEqualTo(2);
        assertThat(slots.waiting()).isZero();
        first.close();
        second.close();
        assertThat(slots.running()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).as("no one waited").isEmpty();
    }

    @Test
    void requestsBeyondTheSlotsWaitForOneInTheOrderTheyCame() throws Exception {
        RequestSlots slots = slots(1, 2, LONG);
        RequestSlots.Slot running = slots.take();
        CompletableFuture<RequestSlots.Slot> first = takeOnAThreadOfItsOwn(slots);
        awaitValue(slots::waiting, 1);
        CompletableFuture<RequestSlots.Slot> second = takeOnAThreadOfItsOwn(slots);
        awaitValue(slots::waiting, 2);

        running.close();
        RequestSlots.Slot firstSlot = first.get(60, TimeUnit.SECONDS);
        assertThat(second).as("the slot is the first one's").isNotDone();
        assertThat(slots.waiting()).isEqualTo(1);
        firstSlot.close();
        second.get(60, TimeUnit.SECONDS).close();
        assertThat(slots.running()).isZero();
        assertThat(log.toString(StandardCharsets.UTF_8)).isEqualTo("userspace daemon: requests wait for a slot: 1 run"
                + " at once at most, 2 may wait, each up to 60 s\n");
    }

    @Test
    void aRequestFindingTheLineFullIsRefusedAtOnce() throws Exception {
        RequestSlots slots = slots(1, 1, LONG);
        RequestSlots.Slot running = slots.take();
        CompletableFuture<RequestSlots.Slot> waiting = takeOnAThreadOfItsOwn(slots);
        awaitValue(slots::waiting, 1);

        assertThatThrownBy(slots::take).isInstanceOf(RequestSlots.Refused.class).hasMessage(
                "the userspace daemon is busy: 1 requests run and 1 wait, the most it takes; try again later");
        assertThat(slots.waiting()).as("the refused one does not wait").isEqualTo(1);
        running.close();
        waiting.get(60, TimeUnit.SECONDS).close();
    }

    @Test
    void aRequestThatWaitedTooLongIsRefusedAndTheNextOneRuns() throws Exception {
        RequestSlots slots = slots(1, 1, Duration.ofMillis(100));
        RequestSlots.Slot running = slots.take();
        assertThatThrownBy(slots::take).isInstanceOf(RequestSlots.Refused.class).hasMessage(
                "the userspace daemon is busy: this request waited 0.1 s for one of its 1 slots and was not run;"
                        + " try again later");
        assertThat(slots.waiting()).isZero();
        assertThat(slots.running()).isEqualTo(1);
        running.close();
        slots.take().close();
    }

    @Test
    void aStoppedDaemonRefusesTheWaitingAndEveryLaterRequest() throws Exception {
        RequestSlots slots = slots(1, 1, LONG);
        RequestSlots.Slot running = slots.take();
        CompletableFuture<RequestSlots.Slot> waiting = takeOnAThreadOfItsOwn(slots);
        awaitValue(slots::waiting, 1);

        slots.close();
        assertThatThrownBy(() -> waiting.get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(RequestSlots.Refused.class).hasMessageContaining("is stopping");
        assertThatThrownBy(slots::take).isInstanceOf(RequestSlots.Refused.class).hasMessageContaining("is stopping");
        assertThat(slots.running()).as("the running request keeps its slot").isEqualTo(1);
        running.close();
        assertThat(slots.running()).isZero();
    }

    @Test
    void limitsArePositive() {
        assertThatThrownBy(() -> new RequestSlots.Limits(0, 1, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestSlots.Limits(1, 0, LONG)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestSlots.Limits(1, 1, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(RequestSlots.Limits.DEFAULT).isEqualTo(new RequestSlots.Limits(8, 256, Duration.ofSeconds(60)));
    }

    /** {@link RequestSlots#take()} on a thread of its own (a pool's could be the only one), as the daemon's are. */
    private static CompletableFuture<RequestSlots.Slot> takeOnAThreadOfItsOwn(RequestSlots slots) {
        CompletableFuture<RequestSlots.Slot> taken = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                taken.complete(slots.take());
            } catch (RequestSlots.Refused | RuntimeException e) {
                taken.completeExceptionally(e);
            }
        }, "request");
        thread.setDaemon(true);
        thread.start();
        return taken;
    }

    /** Polls until {@code value} is {@code expected}; fails after a minute. */
    private static void awaitValue(IntSupplier value, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (value.getAsInt() != expected) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("still " + value.getAsInt() + ", not " + expected + ", after a minute");
            }
            Thread.sleep(1);
        }
    }
}
