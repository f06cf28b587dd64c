package org.userspacecni.backend.ovs;

import org.userspacecni.testkit.tck.ProviderContract;

/** The backend TCK's provider contract: the ovs-dpdk engine is found through its ServiceLoader entry. */
class OvsDpdkProviderContractTest extends ProviderContract {

    @Override
    protected String engine() {
        return "ovs-dpdk";
    }
}
