package org.userspacecni.image;

/** What runs in the container: its own OVS-DPDK (the seed image), or a DPDK application on the sockets. */
enum Variant {
    OVS("a local OVS-DPDK joined to the host switch by usrsp-agent"),
    DPDK("DPDK applications (testpmd, l3fwd) started on the attachments with usrsp-agent eal-args");

    private final String description;

    Variant(String description) {
        this.description = description;
    }

    String option() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    String description() {
        return description;
    }

    static Variant of(String option) {
        for (Variant variant : values()) {
            if (variant.option().equals(option)) {
                return variant;
            }
        }
        if (option.equals("vpp")) {
            throw new IllegalArgumentException("--variant vpp needs the vpp engine, which is not built yet");
        }
        throw new IllegalArgumentException("--variant must be ovs or dpdk, not '" + option + "'");
    }
}
