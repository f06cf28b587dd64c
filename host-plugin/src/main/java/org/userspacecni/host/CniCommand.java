package org.userspacecni.host;

import java.util.Set;

/** The CNI commands, with the environment variables each one requires (as the reference Go harness does). */
enum CniCommand {
    ADD(Set.of(Env.CONTAINER_ID, Env.NETNS, Env.IFNAME, Env.PATH)),
    DEL(Set.of(Env.CONTAINER_ID, Env.IFNAME, Env.PATH)),
    CHECK(Set.of(Env.CONTAINER_ID, Env.NETNS, Env.IFNAME, Env.PATH)),
    GC(Set.of(Env.PATH)),
    STATUS(Set.of(Env.PATH)),
    VERSION(Set.of());

    private final Set<String> required;

    CniCommand(Set<String> required) {
        this.required = required;
    }

    Set<String> required() {
        return required;
    }

    /** The names of the CNI environment variables. */
    static final class Env {
        static final String COMMAND = "CNI_COMMAND";
        static final String CONTAINER_ID = "CNI_CONTAINERID";
        static final String NETNS = "CNI_NETNS";
        static final String IFNAME = "CNI_IFNAME";
        static final String ARGS = "CNI_ARGS";
        static final String PATH = "CNI_PATH";

        private Env() {
        }
    }
}
