package org.userspacecni.host;

import java.util.UUID;
import org.userspacecni.testkit.HostCommand;

/** A real group made for one test with {@code groupadd} and removed by name with {@code groupdel}. */
final class SystemGroup implements AutoCloseable {

    final String name;

    private SystemGroup(String name) {
        this.name = name;
    }

    static SystemGroup create() {
        SystemGroup group = new SystemGroup("usrsp" + UUID.randomUUID().toString().substring(0, 8));
        HostCommand.run("groupadd", group.name);
        return group;
    }

    @Override
    public void close() {
        HostCommand.run("groupdel", name);
    }

}
