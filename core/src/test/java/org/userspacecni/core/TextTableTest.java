package org.userspacecni.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TextTableTest {

    @Test
    void eachColumnIsAsWideAsItsWidestCellAndTheLastIsLeftAsItIs() {
        String table = new TextTable("NETWORK", "IF", "SOCKET").row("ovs-net", "net1", "/a/b c")
                .row("a-much-longer-network", "net10", "-").toString();
        assertThat(table).isEqualTo("""
                NETWORK                IF     SOCKET
                ovs-net                net1   /a/b c
                a-much-longer-network  net10  -
                """);
    }

    @Test
    void aRowOfAnotherWidthIsRefused() {
        assertThatThrownBy(() -> new TextTable("A", "B").row("1")).isInstanceOf(IllegalArgumentException.class);
    }
}
