package org.userspacecni.store.kubernetes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import org.userspacecni.testkit.ArchitectureRules;

@AnalyzeClasses(packages = "org.userspacecni.store.kubernetes", importOptions = ImportOption.DoNotIncludeTests.class)
class KubernetesStoreArchitectureTest {

    @ArchTest
    static final ArchRule noStdout = ArchitectureRules.NO_STDOUT;

    @ArchTest
    static final ArchRule noExit = ArchitectureRules.NO_EXIT_OUTSIDE_MAIN;

    @ArchTest
    static final ArchRule noCycles = ArchitectureRules.NO_PACKAGE_CYCLES;
}
