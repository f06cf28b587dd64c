/**
 * For backend authors and for us: {@link org.userspacecni.testkit.ArchitectureRules}, the ArchUnit rules
 * every module's tests apply, and {@link org.userspacecni.testkit.recording}, a datapath backend that
 * keeps its ports as files and records every call, for testing the programs without a switch. The backend
 * test kit (TCK) grows here.
 */
package org.userspacecni.testkit;
