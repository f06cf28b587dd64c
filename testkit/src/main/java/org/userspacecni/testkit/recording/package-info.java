/**
 * The {@code recording} engine: a datapath backend for tests. It keeps each host port as a file under
 * {@code $RECORDING_BACKEND_DIR/ports}, appends every call to {@code $RECORDING_BACKEND_DIR/journal}, and
 * fails at the operation named by {@code $RECORDING_BACKEND_FAIL} (after creating the port, for
 * {@code add}), so tests can see what a program asked of its backend and how it undoes a failure. It is
 * registered with ServiceLoader in this jar, which only tests put on a class path.
 */
package org.userspacecni.testkit.recording;
