package org.userspacecni.docs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A Mermaid diagram, a {@code ```mermaid} block of a Markdown file, and where it starts. */
record MermaidDiagram(Path file, int line, String text) {

    /** The repository: the parent of the docs module, where the tests run. */
    static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    private static final Set<String> NOT_SOURCES = Set.of("target", "node_modules", "dist");

    /** Every diagram in the repository's Markdown files, in the order of their paths. */
    static List<MermaidDiagram> all() throws IOException {
        try (Stream<Path> files = Files.walk(ROOT)) {
            List<MermaidDiagram> diagrams = new ArrayList<>();
            for (Path file : files.map(ROOT::relativize).filter(MermaidDiagram::isMarkdownSource).sorted()
                    .collect(Collectors.toList())) {
                diagrams.addAll(in(file, Files.readAllLines(ROOT.resolve(file))));
            }
            return diagrams;
        }
    }

    private static boolean isMarkdownSource(Path file) {
        for (Path part : file) {
            if (part.toString().startsWith(".") || NOT_SOURCES.contains(part.toString())) {
                return false;
            }
        }
        return file.toString().endsWith(".md");
    }

    private static List<MermaidDiagram> in(Path file, List<String> lines) {
        List<MermaidDiagram> diagrams = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().equals("```mermaid")) {
                int end = i + 1;
                while (end < lines.size() && !lines.get(end).strip().equals("```")) {
                    end++;
                }
                diagrams.add(new MermaidDiagram(file, i + 1, String.join("\n", lines.subList(i + 1, end)) + "\n"));
                i = end;
            }
        }
        return diagrams;
    }

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
