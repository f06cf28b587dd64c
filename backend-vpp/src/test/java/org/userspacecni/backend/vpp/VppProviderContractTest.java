package org.userspacecni.backend.vpp;

import org.userspacecni.testkit.tck.ProviderContract;

/** The backend TCK's provider contract: the vpp engine is found through its ServiceLoader entry. */
class VppProviderContractTest extends ProviderContract {

    @Override
    protected String engine() {
        return "vpp";
    }
}
