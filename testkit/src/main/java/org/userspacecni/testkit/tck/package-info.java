/**
 * The backend test kit (TCK): the contract of the SPI as abstract JUnit 5 classes that a backend's tests
 * extend with a small fixture of its own datapath. {@link org.userspacecni.testkit.tck.ProviderContract} checks
 * discovery through ServiceLoader, {@link org.userspacecni.testkit.tck.HostSideContract} the host side against
 * a {@link org.userspacecni.testkit.tck.HostDatapath}, {@link org.userspacecni.testkit.tck.ContainerSideContract}
 * the container side against a {@link org.userspacecni.testkit.tck.ContainerDatapath}; the ArchUnit rules a
 * backend keeps are {@link org.userspacecni.testkit.ArchitectureRules.Backend}. docs/backend-author-guide.md
 * says what each checks and why.
 */
package org.userspacecni.testkit.tck;
