/**
 * For backend authors and for us: {@link org.userspacecni.testkit.ArchitectureRules}, the ArchUnit rules
 * every module's tests apply, and {@link org.userspacecni.testkit.recording}, a datapath backend that
 * keeps its ports as files and records every call, for testing the programs without a switch. The backend
 * test kit (TCK) is {@link org.userspacecni.testkit.tck}; the rest are the fixtures our own tests share
 * (private OVS instances, host-local, network namespaces, plugin invocations, host snapshots, and
 * {@link org.userspacecni.testkit.Neighbour}, the live socket of a neighbour attachment that a destructive path
 * must leave as it was).
 */
package org.userspacecni.testkit;
