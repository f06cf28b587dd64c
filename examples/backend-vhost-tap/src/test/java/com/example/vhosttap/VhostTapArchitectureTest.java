package com.example.vhosttap;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.junit.ArchTests;
import org.userspacecni.testkit.ArchitectureRules;

/** The rules every backend keeps: only the SPI, no stdout, no exit, no package cycles. */
@AnalyzeClasses(packages = "com.example.vhosttap", importOptions = ImportOption.DoNotIncludeTests.class)
class VhostTapArchitectureTest {

    @ArchTest
    static final ArchTests backend = ArchTests.in(ArchitectureRules.Backend.class);
}
