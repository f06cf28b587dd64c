package org.userspacecni.image;

/** What runs in the container: its own OVS-DPDK (the seed image), or a DPDK application on the sockets. */
enum Variant {
    OVS("a local OVS-DPDK joined to the host switch by usrsp-agent", "status"),
    DPDK("DPDK applications (testpmd, l3fwd) started on the attachments with usrsp-agent eal-args",
            "status --sockets");

    private final String description;
    private final String healthCheck;

    Variant(String description, String healthCheck) {
        this.description = description;
        this.healthCheck = healthCheck;
    }

    /**
     * The {@code usrsp-agent} command of the image's health check: the links of the container's OVS, or,
     * where the DPDK application is the datapath, whether the attachments' sockets are there.
     */
    String healthCheck() {
        return healthCheck;
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
