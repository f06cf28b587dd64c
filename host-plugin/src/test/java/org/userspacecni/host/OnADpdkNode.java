package org.userspacecni.host;

import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The life of a {@link DpdkNode} for a test class: started once for the class, since DPDK takes a while to
 * come up, with a directory of its own for each test and an empty switch after it.
 */
abstract class OnADpdkNode {

    @TempDir
    static Path root;
    static DpdkNode node;

    @TempDir
    Path testDir;

    @BeforeAll
    static void startNode() {
        node = DpdkNode.start(root, "usrsp-nb-" + UUID.randomUUID().toString().substring(0, 8));
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @BeforeEach
    void beginTest() {
        node.begin(testDir);
    }

    @AfterEach
    void endTest() throws Exception {
        node.end();
    }
}
