package org.userspacecni.testkit;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packet counters of one interface of a real VPP, as its CLI shows them ({@code show interface <name>}):
 * what a test reads to see packets pass, independently of the code under test. VPP leaves a counter out while it
 * is zero.
 */
public record VppInterfaceCounters(long rxPackets, long txPackets, long drops) {

    private static final Pattern COUNTER = Pattern.compile("(?m)\\s(rx packets|tx packets|drops)\\s+(\\d+)\\s*$");

    /** The counters of {@code interfaceName} in {@code vpp} now. */
    public static VppInterfaceCounters of(VppSandbox vpp, String interfaceName) {
        return parse(vpp.vppctl("show", "interface", interfaceName));
    }

    /** Reads {@code show interface} output for one interface. */
    public static VppInterfaceCounters parse(String shown) {
        long rx = 0;
        long tx = 0;
        long drops = 0;
        Matcher matcher = COUNTER.matcher(shown);
        while (matcher.find()) {
            long count = Long.parseLong(matcher.group(2));
            switch (matcher.group(1)) {
                case "rx packets" -> rx = count;
                case "tx packets" -> tx = count;
                default -> drops = count;
            }
        }
        return new VppInterfaceCounters(rx, tx, drops);
    }
}
