package org.userspacecni.core;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.ToolProvider;

/**
 * A provider as a third party ships it: one class compiled here against another SPI jar, packed into a jar of
 * its own and loaded from it, with this program's SPI underneath.
 */
final class ProviderJar implements AutoCloseable {

    /** The SPI of release 0.1.0, from before versions, which the SPI module's compatibility check compares with. */
    static final Path SPI_0_1_0 = Path.of(System.getProperty("basedir", "."), "..", "spi", "compat", "spi-0.1.0.jar")
            .normalize();

    private final Path jar;
    private final URLClassLoader loader;

    private ProviderJar(Path jar) throws IOException {
        this.jar = jar;
        this.loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ProviderJar.class.getClassLoader());
    }

    /** Compiles {@code source}, the class {@code className} of the default package, against {@code spiJar}. */
    static ProviderJar build(Path dir, String className, String source, Path spiJar) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src"));
        Path classes = Files.createDirectories(dir.resolve("classes"));
        Path file = Files.writeString(sources.resolve(className + ".java"), source);
        StringWriter diagnostics = new StringWriter();
        boolean compiled = ToolProvider.getSystemJavaCompiler().getTask(diagnostics, null, null,
                List.of("--release", "17", "-d", classes.toString(), "-classpath",
                        spiJar + File.pathSeparator + locationOf(JsonProperty.class)),
                null, ToolProvider.getSystemJavaCompiler().getStandardFileManager(null, null, null)
                        .getJavaFileObjects(file)).call();
        if (!compiled) {
            throw new IllegalStateException("cannot compile " + className + ": " + diagnostics);
        }
        Path jar = dir.resolve(className + ".jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream entries = new JarOutputStream(out);
                Stream<Path> files = Files.list(classes)) {
            for (Path compiledClass : files.toList()) {
                entries.putNextEntry(new JarEntry(compiledClass.getFileName().toString()));
                entries.write(Files.readAllBytes(compiledClass));
                entries.closeEntry();
            }
        }
        return new ProviderJar(jar);
    }

    Path jar() {
        return jar;
    }

    <T> T instance(String className, Class<T> type) throws ReflectiveOperationException {
        return type.cast(loader.loadClass(className).getDeclaredConstructor().newInstance());
    }

    @Override
    public void close() throws IOException {
        loader.close();
    }

    /** The jar or directory {@code type} was loaded from. */
    static Path locationOf(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
