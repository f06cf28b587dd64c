package org.userspacecni.docs;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.userspacecni.core.EngineOptionsTable;
import org.userspacecni.core.ProgramContext;
import org.userspacecni.core.ProviderKind;
import org.userspacecni.core.ProviderLoader;
import org.userspacecni.core.cni.CniVersion;
import org.userspacecni.spi.ConfigDoc;
import org.userspacecni.spi.DatapathBackend;
import org.userspacecni.spi.DatapathBackendProvider;
import org.userspacecni.spi.InterfaceType;
import org.userspacecni.spi.NetConf;
import org.userspacecni.spi.Side;
import org.userspacecni.spi.WireName;

/**
 * Writes {@code docs/configuration-reference.md}: every setting of the network configuration, from the SPI's
 * configuration records and their {@link ConfigDoc} annotations, and each engine's options, as its provider
 * declares them ({@link EngineOptionsTable}). The engines are found as the programs find them, through
 * {@link ProviderLoader}.
 */
public final class ConfigurationReference {

    /** How to bring the page up to date; the build says so when it is not. */
    static final String COMMAND = "mvn -q -pl docs -am process-test-classes -Pconfiguration-reference";

    private static final Pattern CONSTANT = Pattern.compile("\\{([A-Z][A-Z0-9_]*)}");
    private static final List<String> FIELD_COLUMNS = List.of("field", "type", "default", "allowed", "engines",
            "meaning");
    /** A host or a container section: both have the fields of {@link Side}. */
    private static final String SIDE = "<side>";

    private ConfigurationReference() {
    }

    public static void main(String[] args) throws IOException {
        Files.writeString(Path.of(args[0]), render());
    }

    static String render() {
        List<DatapathBackendProvider> engines = ProviderLoader.of(ConfigurationReference.class)
                .load(ProviderKind.ENGINES, System.getLogger(ConfigurationReference.class.getName())).usable()
                .stream().sorted(Comparator.comparing(DatapathBackendProvider::engine)).collect(Collectors.toList());
        Set<String> names = engines.stream().map(DatapathBackendProvider::engine).collect(Collectors.toSet());
        StringBuilder page = new StringBuilder();
        page.append("# Configuration reference\n\n")
                .append("Every setting of the network configuration: its JSON path, type, default, the values allowed"
                        + " and the engines\nthat read it (`all`: read whatever the engine; `none`: accepted and"
                        + " ignored). [configuration.md](configuration.md)\nexplains the configuration, the errors a"
                        + " wrong value gets, and the environment.\n\n")
                .append("This page is generated from the `@ConfigDoc` annotations on the SPI's configuration records"
                        + " (`org.userspacecni.spi`)\nand on the options each engine declares, and the build fails when it"
                        + " differs from them: change the annotations, not\nthis page, and regenerate it with\n\n")
                .append("    ").append(COMMAND).append("\n\n");

        page.append("## Network configuration\n\n");
        List<List<String>> top = new ArrayList<>();
        String interfaceTypes = engines.stream().flatMap(engine -> interfaceTypes(engine).stream()).distinct()
                .sorted().map(ConfigurationReference::code).collect(Collectors.joining(", "));
        fields(NetConf.class, "", List.of(ConfigDoc.ALL_ENGINES), names, interfaceTypes, top);
        page.append(EngineOptionsTable.markdown(FIELD_COLUMNS, top));
        page.append("\nThe CNI versions the plugin speaks: ")
                .append(CniVersion.supported().stream().map(v -> "`" + v + "`").collect(Collectors.joining(", ")))
                .append(".\n\n");

        page.append("## `host` and `container`\n\n")
                .append("`").append(SIDE).append("` is `host` or `container`: both sections have these fields.\n\n");
        List<List<String>> side = new ArrayList<>();
        fields(Side.class, SIDE, List.of(ConfigDoc.ALL_ENGINES), names, interfaceTypes, side);
        page.append(EngineOptionsTable.markdown(FIELD_COLUMNS, side));

        page.append("\n## Engine options\n\n")
                .append("The engines installed with the plugin, the interface types each takes, and the options it"
                        + " reads from\n`").append(SIDE).append(".options`, each a string.\n");
        for (DatapathBackendProvider engine : engines) {
            page.append("\n### `").append(engine.engine()).append("`\n\n")
                    .append("Interface types: ").append(interfaceTypes(engine).stream().map(ConfigurationReference::code)
                            .collect(Collectors.joining(", "))).append(".\n\n");
            page.append(EngineOptionsTable.of(engine));
        }
        return page.toString();
    }

    /**
     * A row for each component of {@code record}, and for the components of each record among them. An interface
     * type's allowed values are {@code interfaceTypes}, those of the installed engines: the set is open.
     */
    private static void fields(Class<?> record, String prefix, List<String> inherited, Set<String> installed,
            String interfaceTypes, List<List<String>> rows) {
        for (RecordComponent component : record.getRecordComponents()) {
            String path = prefix.isEmpty() ? component.getName() : prefix + "." + component.getName();
            ConfigDoc doc = component.getAnnotation(ConfigDoc.class);
            if (doc == null) {
                throw new IllegalStateException(record.getName() + "." + component.getName() + " has no @ConfigDoc");
            }
            List<String> engines = engines(doc, inherited, installed, path);
            Class<?> type = valueType(component);
            String values = type.isEnum() ? enumValues(type) : type == InterfaceType.class ? interfaceTypes : "";
            String allowed = Stream.of(values, doc.allowed()).filter(text -> !text.isEmpty())
                    .collect(Collectors.joining("; "));
            rows.add(List.of(code(path), typeName(type), defaultValue(record, doc), text(record, allowed),
                    engineNames(engines), text(record, doc.value())));
            if (type.isRecord() && type != Side.class && type != InterfaceType.class) {
                fields(type, path, engines, installed, interfaceTypes, rows);
            } else if (type == List.class) {
                fields(elementType(component), path + "[]", engines, installed, interfaceTypes, rows);
            }
        }
    }

    /** The engines that read a setting: its own, or those of the section it is in. */
    private static List<String> engines(ConfigDoc doc, List<String> inherited, Set<String> installed, String path) {
        List<String> engines = List.of(doc.engines());
        if (engines.equals(List.of(ConfigDoc.ALL_ENGINES))) {
            return inherited;
        }
        engines.stream().filter(engine -> !installed.contains(engine)).findFirst().ifPresent(engine -> {
            throw new IllegalStateException("@ConfigDoc of " + path + " names engine '" + engine
                    + "', which is not installed: " + installed);
        });
        return engines;
    }

    /** The names of the interface types an engine declares, sorted. */
    private static List<String> interfaceTypes(DatapathBackendProvider engine) {
        try (DatapathBackend backend = engine.create(new ProgramContext(Map.of(),
                System.getLogger(ConfigurationReference.class.getName())))) {
            return backend.interfaceTypes().stream().map(InterfaceType::name).sorted().toList();
        }
    }

    /** The type a component holds, an {@link Optional}'s content for an optional one. */
    private static Class<?> valueType(RecordComponent component) {
        if (component.getType() != Optional.class) {
            return component.getType();
        }
        Type content = ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
        return (Class<?>) content;
    }

    /** The records a list component holds. */
    private static Class<?> elementType(RecordComponent component) {
        return (Class<?>) ((ParameterizedType) component.getGenericType()).getActualTypeArguments()[0];
    }

    private static String typeName(Class<?> type) {
        if (type == String.class || type.isEnum() || type == InterfaceType.class) {
            return "string";
        } else if (type == Integer.class || type == int.class) {
            return "integer";
        } else if (type == Boolean.class || type == boolean.class) {
            return "boolean";
        } else if (type.isRecord() || Map.class.isAssignableFrom(type)) {
            return "object";
        } else if (type == List.class) {
            return "array of objects";
        }
        throw new IllegalStateException("no JSON type for " + type.getName());
    }

    private static String enumValues(Class<?> type) {
        return Arrays.stream(type.getEnumConstants()).map(constant -> code(((WireName) constant).wireName()))
                .collect(Collectors.joining(", "));
    }

    private static String defaultValue(Class<?> owner, ConfigDoc doc) {
        return doc.defaultValue().isEmpty() ? "none" : text(owner, doc.defaultValue());
    }

    private static String engineNames(List<String> engines) {
        if (engines.isEmpty()) {
            return "none";
        }
        return engines.equals(List.of(ConfigDoc.ALL_ENGINES)) ? ConfigDoc.ALL_ENGINES
                : engines.stream().map(ConfigurationReference::code).collect(Collectors.joining(", "));
    }

    /** The text with each {@code {NAME}} replaced by the value of {@code owner}'s static field NAME. */
    private static String text(Class<?> owner, String text) {
        Matcher constant = CONSTANT.matcher(text);
        StringBuilder result = new StringBuilder();
        while (constant.find()) {
            Field field;
            try {
                field = owner.getDeclaredField(constant.group(1));
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(owner.getName() + " has no constant " + constant.group(1), e);
            }
            if (!Modifier.isStatic(field.getModifiers())) {
                throw new IllegalStateException(owner.getName() + "." + field.getName() + " is not a constant");
            }
            constant.appendReplacement(result, Matcher.quoteReplacement(shown(value(field))));
        }
        return constant.appendTail(result).toString();
    }

    /** A constant as the page shows it: a number as it is, anything else as code. */
    private static String shown(Object value) {
        if (value instanceof Number) {
            return value.toString();
        } else if (value instanceof WireName) {
            return code(((WireName) value).wireName());
        } else if (value instanceof Collection) {
            return ((Collection<?>) value).stream().map(ConfigurationReference::shown)
                    .collect(Collectors.joining(", "));
        }
        return code(value.toString());
    }

    private static Object value(Field field) {
        try {
            field.setAccessible(true);
            return field.get(null);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + field, e);
        }
    }

    private static String code(String text) {
        return "`" + text + "`";
    }
}
