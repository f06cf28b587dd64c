package com.example.vhosttap;

import org.userspacecni.testkit.tck.ProviderContract;

/** The backend TCK's provider contract: the vhost-tap engine is found through its ServiceLoader entry. */
class VhostTapProviderContractTest extends ProviderContract {

    @Override
    protected String engine() {
        return VhostTapBackendProvider.ENGINE;
    }
}
