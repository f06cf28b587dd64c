package org.userspacecni.backend.vpp;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import org.userspacecni.testkit.ArchitectureRules;

@AnalyzeClasses(packages = "org.userspacecni.backend.vpp", importOptions = ImportOption.DoNotIncludeTests.class)
class VppBackendArchitectureTest {

    @ArchTest
    static final ArchTests library = ArchTests.in(ArchitectureRules.Backend.class);
}
