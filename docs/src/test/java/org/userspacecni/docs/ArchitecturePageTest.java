package org.userspacecni.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The module diagram of architecture.md is the poms': every module is a node, and the arrows are the
 * dependencies between modules, solid for compile scope and dashed for runtime scope.
 */
class ArchitecturePageTest {

    private static final Pattern NODE = Pattern.compile("\\s*(\\w+)\\[([\\w-]+)]\\s*");
    private static final Pattern ARROW = Pattern.compile("\\s*(\\w+) (-->|-\\. runtime \\.->) (\\w+)\\s*");

    @Test
    void theModuleDiagramIsThePomsDependencies() throws Exception {
        MermaidDiagram diagram = MermaidDiagram.all().stream()
                .filter(d -> d.file().equals(Path.of("docs/architecture.md"))).findFirst().orElseThrow();
        Map<String, String> modules = new HashMap<>();
        Set<String> drawn = new TreeSet<>();
        for (String line : diagram.text().lines().collect(Collectors.toList())) {
            Matcher node = NODE.matcher(line);
            Matcher arrow = ARROW.matcher(line);
            if (node.matches()) {
                modules.put(node.group(1), node.group(2));
            } else if (arrow.matches()) {
                drawn.add(modules.get(arrow.group(1)) + (arrow.group(2).equals("-->") ? " compile " : " runtime ")
                        + modules.get(arrow.group(3)));
            }
        }

        Set<String> declared = new TreeSet<>();
        for (String module : elements(pom(MermaidDiagram.ROOT), "module")) {
            assertThat(modules).as("nodes of the module diagram").containsValue(module);
            Document pom = pom(MermaidDiagram.ROOT.resolve(module));
            NodeList dependencies = pom.getElementsByTagName("dependency");
            for (int i = 0; i < dependencies.getLength(); i++) {
                Element dependency = (Element) dependencies.item(i);
                String scope = text(dependency, "scope", "compile");
                if (text(dependency, "groupId", "").equals("org.userspacecni") && !scope.equals("test")) {
                    declared.add(module + " " + scope + " " + text(dependency, "artifactId", ""));
                }
            }
        }
        assertThat(drawn).as("arrows of the module diagram in docs/architecture.md").isEqualTo(declared);
    }

    private static Document pom(Path dir) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(dir.resolve("pom.xml").toFile());
    }

    private static List<String> elements(Document document, String tag) {
        NodeList nodes = document.getElementsByTagName(tag);
        return IntStream.range(0, nodes.getLength()).mapToObj(i -> nodes.item(i).getTextContent())
                .collect(Collectors.toList());
    }

    private static String text(Element element, String tag, String otherwise) {
        NodeList nodes = element.getElementsByTagName(tag);
        return nodes.getLength() == 0 ? otherwise : nodes.item(0).getTextContent().strip();
    }
}
