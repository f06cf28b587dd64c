package org.userspacecni.store.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SharedClientsTest {

    /** A client that only knows whether it was closed. */
    static final class Client implements AutoCloseable {
        boolean closed;

        @Override
        public void close() {
            closed = true;
        }
    }

    private final SharedClients<Client> clients = new SharedClients<>();
    private final List<Client> built = new ArrayList<>();

    private SharedClients<Client>.Lease lease(String source, String credentials) {
        return clients.lease(source, credentials, () -> {
            Client client = new Client();
            built.add(client);
            return client;
        });
    }

    @Test
    void requestsOfOneSourceWithTheSameCredentialsShareOneClient() {
        try (SharedClients<Client>.Lease first = lease("kubeconfig", "token-1");
                SharedClients<Client>.Lease second = lease("kubeconfig", "token-1")) {
            assertThat(second.client()).isSameAs(first.client());
        }
        try (SharedClients<Client>.Lease later = lease("kubeconfig", "token-1")) {
            assertThat(later.client()).isSameAs(built.get(0));
        }
        assertThat(built).hasSize(1);
        assertThat(built.get(0).closed).isFalse();
    }

    @Test
    void changedCredentialsGetANewClientAndTheOldOneClosesAfterItsLastRequest() {
        SharedClients<Client>.Lease old = lease("in-cluster", "token-1");
        SharedClients<Client>.Lease rotated = lease("in-cluster", "token-2");

        assertThat(rotated.client()).isNotSameAs(old.client());
        assertThat(old.client().closed).as("still used by a request").isFalse();
        old.close();
        assertThat(old.client().closed).isTrue();
        old.close();
        rotated.close();
        assertThat(rotated.client().closed).as("the source's current client stays").isFalse();
        try (SharedClients<Client>.Lease next = lease("in-cluster", "token-2")) {
            assertThat(next.client()).isSameAs(rotated.client());
        }
    }

    @Test
    void aLeaseClosedTwiceCountsOnce() {
        SharedClients<Client>.Lease first = lease("kubeconfig", "a");
        SharedClients<Client>.Lease second = lease("kubeconfig", "a");
        first.close();
        first.close();
        lease("kubeconfig", "b").close();
        assertThat(built.get(0).closed).as("the second request still uses it").isFalse();
        second.close();
        assertThat(built.get(0).closed).isTrue();
    }

    @Test
    void beyondTheSourcesKeptTheOneLeasedLongestAgoIsClosedOnceUnused() {
        SharedClients<Client>.Lease eldest = lease("source-0", "x");
        for (int i = 1; i <= SharedClients.MAX_SOURCES; i++) {
            lease("source-" + i, "x").close();
        }
        assertThat(eldest.client().closed).as("still used").isFalse();
        eldest.close();
        assertThat(eldest.client().closed).isTrue();
        assertThat(built.subList(1, built.size())).noneMatch(client -> client.closed);
        try (SharedClients<Client>.Lease again = lease("source-0", "x")) {
            assertThat(again.client()).isNotSameAs(eldest.client());
        }
    }
}
